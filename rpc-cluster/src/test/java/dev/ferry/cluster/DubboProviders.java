package dev.ferry.cluster;

import dev.ferry.api.Endpoint;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Real Dubbo-protocol providers of {@link Inventory} in this JVM, each with its own server on an
 * ephemeral loopback port. Stalling providers are released on {@link #close()}.
 */
public final class DubboProviders implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, Running> running = new LinkedHashMap<>();

    /** Starts a provider named {@code name}; {@code parameters} (weight, tag) go into its url. */
    public InventoryProvider start(String name, InventoryProvider.Mode mode, Map<String, String> parameters) {
        InventoryProvider impl = new InventoryProvider(name, mode, release);
        DubboProtocol dubbo = new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0)
                .ioThreads(1).businessThreads(64).shutdownTimeout(Duration.ofMillis(200)).build());
        FerryBootstrap ferry = FerryBootstrap.builder().protocol(dubbo).build();
        ServiceConfig.Builder<Inventory> config = ServiceConfig.builder(Inventory.class, impl);
        if (parameters.containsKey(Endpoint.WEIGHT)) {
            config.weight(Integer.parseInt(parameters.get(Endpoint.WEIGHT)));
        }
        if (parameters.containsKey(Endpoint.TAG)) {
            config.tag(parameters.get(Endpoint.TAG));
        }
        int port = ferry.export(config.build()).get(0).endpoint().port();
        Endpoint url = new Endpoint("dubbo", "127.0.0.1", port, parameters);
        running.put(name, new Running(impl, ferry, url));
        return impl;
    }

    public InventoryProvider start(String name, InventoryProvider.Mode mode) {
        return start(name, mode, Map.of());
    }

    /** The url a consumer reaches provider {@code name} at. */
    public Endpoint url(String name) {
        return running.get(name).url;
    }

    /** Comma-separated urls of the named providers, for {@code ReferenceConfig.urls}. */
    public String urls(String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(url(n).toString());
        }
        return String.join(",", out);
    }

    /** Stops provider {@code name}'s server: its clients see the connection close. */
    public void stop(String name) {
        Running r = running.get(name);
        r.ferry.close();
    }

    /** Lets stalled calls finish. */
    public void releaseStalled() {
        release.countDown();
    }

    @Override
    public void close() {
        release.countDown();
        for (Running r : running.values()) {
            r.ferry.close();
        }
    }

    @Override
    public String toString() {
        return running.keySet().stream().collect(Collectors.joining(", ", "providers[", "]"));
    }

    private record Running(InventoryProvider impl, FerryBootstrap ferry, Endpoint url) {
    }
}
