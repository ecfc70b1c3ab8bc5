package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.spi.Registry;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;

import java.time.Duration;

/** Ferry providers and consumers of {@link Echo} over the Dubbo protocol on loopback. */
final class Nodes {

    static final String VERSION = "1.0";

    private Nodes() {
    }

    static DubboProtocol loopbackDubbo() {
        return new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(2).businessThreads(16)
                .reconnectInterval(Duration.ofMillis(200)).build());
    }

    /** A bootstrap with a loopback Dubbo protocol, the given registry and unregister grace. */
    static FerryBootstrap bootstrap(Registry registry, Duration grace) {
        return FerryBootstrap.builder().protocol(loopbackDubbo()).registry(registry).unregisterGrace(grace).build();
    }

    /** A provider named {@code name}, exported and registered. */
    static Provider provider(ZookeeperRegistryConfig config, String name, Duration grace) {
        FerryBootstrap b = bootstrap(ZookeeperRegistry.connect(config), grace);
        Endpoint at = b.export(ServiceConfig.builder(Echo.class, new EchoImpl(name)).version(VERSION).build()).get(0).endpoint();
        return new Provider(b, at);
    }

    /** A running provider and where it serves. */
    record Provider(FerryBootstrap bootstrap, Endpoint endpoint) implements AutoCloseable {
        @Override
        public void close() {
            bootstrap.close();
        }
    }

    /** The reference consumers use: no retries, so any failed call shows. */
    static ReferenceConfig<Echo> reference() {
        return ReferenceConfig.builder(Echo.class).version(VERSION).retries(0).timeout(Duration.ofSeconds(5)).build();
    }
}
