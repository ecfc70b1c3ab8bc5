package dev.ferry.core.bootstrap;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcReference;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Registry;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.Side;
import dev.ferry.api.CallOptions;
import dev.ferry.core.chain.FilterChain;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.directory.InvokerDirectory;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.proxy.ReferenceProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Wires services and references without any container: hand it {@link dev.ferry.api.RpcService}
 * objects to export and objects with {@link RpcReference} fields to fill.
 *
 * <pre>{@code
 * try (FerryBootstrap ferry = FerryBootstrap.builder().protocol(new DubboProtocol(...)).build()) {
 *     ferry.export(new GreeterImpl());
 *     Client client = ferry.inject(new Client());
 * }
 * }</pre>
 *
 * <p>Consumer path it assembles per reference: proxy → ClusterFilters → cluster (directory →
 * routers → load balancer) → Filters → protocol invoker. Provider path per service: protocol
 * → Filters → implementation.
 */
public final class FerryBootstrap implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FerryBootstrap.class);

    private final ExtensionRegistry extensions;
    private final Map<String, Protocol> protocols;
    private final String defaultProtocol;
    private final Registry registry;
    private final List<Exporter> exporters = new ArrayList<>();
    private final List<Registered> registered = new ArrayList<>();
    private final List<InvokerDirectory> directories = new ArrayList<>();
    private boolean closed;

    private FerryBootstrap(Builder b) {
        this.extensions = b.extensions;
        this.protocols = new LinkedHashMap<>(b.protocols);
        this.defaultProtocol = b.defaultProtocol != null ? b.defaultProtocol
                : protocols.isEmpty() ? "injvm" : protocols.keySet().iterator().next();
        this.registry = b.registry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Exports an object whose class is annotated {@link dev.ferry.api.RpcService}. */
    public List<Exporter> export(Object annotatedService) {
        return export(ServiceConfig.fromAnnotation(annotatedService));
    }

    /** Exports a service on each of its protocols (or the default one). */
    public synchronized <T> List<Exporter> export(ServiceConfig<T> config) {
        ensureOpen();
        ServiceKey key = config.serviceKey();
        Invoker invoker = FilterChain.of(new ServiceInvoker(config.type(), key, config.implementation()),
                extensions.activated(Filter.class, Side.PROVIDER, config.filters()));
        List<String> names = config.protocols().isEmpty() ? List.of(defaultProtocol) : config.protocols();
        List<Exporter> out = new ArrayList<>();
        for (String name : names) {
            Exporter e = protocol(name).export(invoker, config.exportOptions());
            exporters.add(e);
            out.add(e);
            if (registry != null && !"injvm".equals(name)) {
                registry.register(key, e.endpoint());
                registered.add(new Registered(key, e.endpoint()));
            }
            log.info("exported {} at {}", key, e.endpoint());
        }
        return out;
    }

    /** A proxy for the reference. */
    public synchronized <T> T refer(ReferenceConfig<T> config) {
        ensureOpen();
        ServiceKey key = config.serviceKey();
        CallOptions options = config.callOptions();
        InvokerDirectory directory = new InvokerDirectory(config.type(), key,
                extensions.activated(Router.class, Side.CONSUMER, List.of()));
        List<Filter> filters = extensions.activated(Filter.class, Side.CONSUMER, config.filters());
        Map<Endpoint, Invoker> live = new HashMap<>();
        String protocolName = config.protocol().isEmpty() ? defaultProtocol : config.protocol();
        // A configured url names its own protocol; endpoints from a registry or from the
        // protocol itself belong to the reference's protocol.
        boolean byUrl = !config.urls().isEmpty();
        Registry.Listener follow = endpoints -> {
            synchronized (live) {
                Map<Endpoint, Invoker> next = new HashMap<>();
                for (Endpoint ep : endpoints) {
                    Invoker existing = live.remove(ep);
                    Protocol p = protocol(byUrl ? ep.protocol() : protocolName);
                    next.put(ep, existing != null ? existing : FilterChain.of(p.refer(config.type(), key, ep), filters));
                }
                live.values().forEach(Invoker::close);
                live.clear();
                live.putAll(next);
                directory.update(new ArrayList<>(next.values()));
            }
        };
        if (byUrl) {
            follow.onChange(config.urls());
        } else if (registry != null && !"injvm".equals(protocolName)) {
            registry.subscribe(key, endpoints -> follow.onChange(endpoints.stream()
                    .filter(ep -> ep.protocol().equals(protocolName)).toList()));
        } else {
            List<Endpoint> own = protocol(protocolName).endpoints(key);
            if (own.isEmpty()) {
                throw new IllegalArgumentException("reference to " + key + " over '" + protocolName
                        + "' needs a url or a registry: that protocol cannot find providers by itself");
            }
            follow.onChange(own);
        }
        directories.add(directory);
        Cluster cluster = extensions.get(Cluster.class, options.get(CallOptions.CLUSTER));
        Invoker invoker = FilterChain.ofCluster(cluster.join(directory),
                extensions.activated(ClusterFilter.class, Side.CONSUMER, List.of()));
        return ReferenceProxy.create(config.type(), key, invoker, options, config.async());
    }

    /**
     * Fills every {@link RpcReference} field of {@code consumer} (and its superclasses) with a
     * proxy, and returns {@code consumer}.
     */
    public <T> T inject(T consumer) {
        for (Class<?> c = consumer.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                RpcReference a = f.getAnnotation(RpcReference.class);
                if (a == null) {
                    continue;
                }
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                    throw new IllegalArgumentException("@RpcReference field " + f + " must be neither static nor final");
                }
                Object proxy = refer(ReferenceConfig.fromAnnotation(a, f.getType()));
                try {
                    f.setAccessible(true);
                    f.set(consumer, proxy);
                } catch (IllegalAccessException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot set @RpcReference field " + f, e);
                }
            }
        }
        return consumer;
    }

    /** The protocol with {@code name}: one given to the builder, else the extension of that name. */
    public synchronized Protocol protocol(String name) {
        return protocols.computeIfAbsent(name, n -> extensions.get(Protocol.class, n));
    }

    /** Leaves the registry first, then stops serving, then closes references and protocols. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Registered r : registered) {
            try {
                registry.unregister(r.key, r.endpoint);
            } catch (RuntimeException e) {
                log.warn("could not unregister {} at {}: {}", r.key, r.endpoint, e.toString());
            }
        }
        exporters.forEach(Exporter::unexport);
        directories.forEach(InvokerDirectory::close);
        for (Protocol p : protocols.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                log.warn("closing protocol {} failed: {}", p, e.toString());
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("bootstrap is closed");
        }
    }

    private record Registered(ServiceKey key, Endpoint endpoint) {
    }

    /** Configures a {@link FerryBootstrap}. */
    public static final class Builder {
        private ExtensionRegistry extensions = ExtensionRegistry.shared();
        private final Map<String, Protocol> protocols = new LinkedHashMap<>();
        private String defaultProtocol;
        private Registry registry;

        private Builder() {
        }

        /**
         * Uses this configured protocol instance under its {@code @Extension} name; the first
         * one given is the default for services and references that name none.
         */
        public Builder protocol(Protocol protocol) {
            protocols.put(ExtensionRegistry.nameOf(Objects.requireNonNull(protocol, "protocol")), protocol);
            return this;
        }

        /** The protocol used where a service or reference names none. */
        public Builder defaultProtocol(String name) {
            this.defaultProtocol = name;
            return this;
        }

        /** Registers exported services here and finds referenced ones here. */
        public Builder registry(Registry registry) {
            this.registry = registry;
            return this;
        }

        /** Where extensions are looked up (default: the shared registry). */
        public Builder extensions(ExtensionRegistry extensions) {
            this.extensions = Objects.requireNonNull(extensions, "extensions");
            return this;
        }

        public FerryBootstrap build() {
            return new FerryBootstrap(this);
        }
    }
}
