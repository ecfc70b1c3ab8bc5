package dev.ferry.core.bootstrap;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcReference;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Registry;
import dev.ferry.api.spi.DynamicConfiguration;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.RuleRouter;
import dev.ferry.api.spi.Side;
import dev.ferry.api.CallOptions;
import dev.ferry.core.chain.FilterChain;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.directory.InvokerDirectory;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.generic.GenericReference;
import dev.ferry.core.invoker.ForwardingInvoker;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.proxy.ReferenceProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>With a registry, every service exported on a protocol other than {@code injvm} is
 * registered, and every reference without a {@code url} follows the registry's list of
 * providers: one invoker per endpoint, replaced when the endpoint changes (a new weight or
 * tag), and retired when it leaves — a retired invoker finishes the calls it carries before
 * it is closed. Closing the bootstrap is graceful: it leaves the registry, waits
 * {@link Builder#unregisterGrace the unregister grace} so consumers stop choosing this
 * instance, and only then stops serving.
 */
public final class FerryBootstrap implements AutoCloseable {

    /**
     * Time between leaving the registry and stopping to serve, when something was registered:
     * long enough for consumers in other processes to hear of the removal (ZooKeeper delivers
     * it in well under a second) and to finish picking this instance.
     */
    public static final Duration DEFAULT_UNREGISTER_GRACE = Duration.ofSeconds(2);

    // A provider that left the registry keeps its invoker this long before the invoker is
    // closed, so a call that chose it from the previous list still reaches it.
    private static final long RETIRE_LINGER_MS = 1000;

    private static final Logger log = LoggerFactory.getLogger(FerryBootstrap.class);

    private final ExtensionRegistry extensions;
    private final Map<String, Protocol> protocols;
    private final String defaultProtocol;
    private final Registry registry;
    private final Duration unregisterGrace;
    private final List<Exporter> exporters = new ArrayList<>();
    private final List<Registered> registered = new ArrayList<>();
    private final List<Subscribed> subscribed = new ArrayList<>();
    private final List<Followed> followed = new ArrayList<>();
    private static final DynamicConfiguration.Watch NO_WATCH = () -> { };
    private final Map<String, DynamicConfiguration.Watch> ruleWatches = new java.util.concurrent.ConcurrentHashMap<>();
    private final DynamicConfiguration dynamicConfiguration;
    private final List<InvokerDirectory> directories = new ArrayList<>();
    private final Set<DrainingInvoker> retiring = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FerryBootstrap(Builder b) {
        this.extensions = b.extensions;
        this.protocols = new LinkedHashMap<>(b.protocols);
        this.defaultProtocol = b.defaultProtocol != null ? b.defaultProtocol
                : protocols.isEmpty() ? "injvm" : protocols.keySet().iterator().next();
        this.registry = b.registry;
        this.dynamicConfiguration = b.dynamicConfiguration;
        this.unregisterGrace = b.unregisterGrace;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Exports an object whose class is annotated {@link dev.ferry.api.RpcService}. */
    public List<Exporter> export(Object annotatedService) {
        return export(ServiceConfig.fromAnnotation(annotatedService));
    }

    /**
     * Exports a service on each of its protocols (or the default one), and registers each
     * endpoint not on {@code injvm} with the registry. A registry that is a
     * {@link MetadataPublisher} is first told what the service offers.
     */
    public synchronized <T> List<Exporter> export(ServiceConfig<T> config) {
        ensureOpen();
        ServiceKey key = config.serviceKey();
        Invoker invoker = FilterChain.of(new ServiceInvoker(config.type(), key, config.implementation()),
                extensions.activated(Filter.class, Side.PROVIDER, config.filters()));
        List<String> names = config.protocols().isEmpty() ? List.of(defaultProtocol) : config.protocols();
        if (registry instanceof MetadataPublisher publisher && names.stream().anyMatch(n -> !"injvm".equals(n))) {
            try {
                publisher.publish(config);
            } catch (RuntimeException e) {
                // Metadata describes the service; calls do not depend on it.
                log.warn("could not publish the metadata of {}: {}", key, e.toString());
            }
        }
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
        List<Router> routers = extensions.activated(Router.class, Side.CONSUMER, List.of());
        followRules(key, routers);
        InvokerDirectory directory = new InvokerDirectory(config.type(), key, routers);
        List<Filter> filters = extensions.activated(Filter.class, Side.CONSUMER, config.filters());
        Map<Endpoint, DrainingInvoker> live = new HashMap<>();
        String protocolName = config.protocol().isEmpty() ? defaultProtocol : config.protocol();
        // A configured url names its own protocol; endpoints from a registry or from the
        // protocol itself belong to the reference's protocol.
        boolean byUrl = !config.urls().isEmpty();
        // Resolved now: a registry calls the listener from its own threads, which must not
        // need this bootstrap's lock (held here while subscribing).
        Protocol own = byUrl ? null : protocol(protocolName);
        Registry.Listener follow = endpoints -> {
            synchronized (live) {
                if (closed) {
                    return;
                }
                Map<Endpoint, DrainingInvoker> next = new HashMap<>();
                for (Endpoint ep : endpoints) {
                    DrainingInvoker existing = live.remove(ep);
                    if (existing != null) {
                        next.put(ep, existing);
                        continue;
                    }
                    try {
                        Protocol p = byUrl ? protocol(ep.protocol()) : own;
                        next.put(ep, new DrainingInvoker(FilterChain.of(p.refer(config.type(), key, ep), filters)));
                    } catch (RuntimeException e) {
                        if (byUrl) {
                            throw e; // a configured address that cannot be used is a configuration error
                        }
                        // One registered endpoint that cannot be referred must not hide the others.
                        log.warn("skipping provider {} of {}: {}", ep, key, e.toString());
                    }
                }
                live.values().forEach(this::retire);
                live.clear();
                live.putAll(next);
                directory.update(new ArrayList<>(next.values()));
            }
        };
        // Where providers come from: a configured url; else the protocol itself when it can find
        // them (RocketMQ's NameServer route knows every broker of a topic, which a registry entry
        // does not); else the registry.
        if (byUrl) {
            follow.onChange(config.urls());
        } else if (!own.endpoints(key).isEmpty()) {
            own.subscribe(key, follow);
            followed.add(new Followed(own, key, follow));
        } else if (registry != null && !"injvm".equals(protocolName)) {
            Registry.Listener ofProtocol = endpoints -> follow.onChange(endpoints.stream()
                    .filter(ep -> ep.protocol().equals(protocolName)).toList());
            registry.subscribe(key, ofProtocol);
            subscribed.add(new Subscribed(key, ofProtocol));
        } else {
            throw new IllegalArgumentException("reference to " + key + " over '" + protocolName
                    + "' needs a url or a registry: that protocol cannot find providers by itself");
        }
        directories.add(directory);
        Cluster cluster = extensions.get(Cluster.class, options.get(CallOptions.CLUSTER));
        Invoker invoker = FilterChain.ofCluster(cluster.join(directory),
                extensions.activated(ClusterFilter.class, Side.CONSUMER, config.clusterFilters()));
        if (config.isGeneric()) {
            return config.type().cast(new GenericReference(invoker, options));
        }
        return ReferenceProxy.create(config.type(), key, invoker, options, config.async());
    }

    /** Keeps each rule-following router on {@code key}'s current rule, once per service and kind. */
    private void followRules(ServiceKey key, List<Router> routers) {
        if (dynamicConfiguration == null) {
            return;
        }
        for (Router r : routers) {
            if (r instanceof RuleRouter rr && ruleWatches.putIfAbsent(key + "#" + rr.ruleKind(), NO_WATCH) == null) {
                DynamicConfiguration.Watch w = dynamicConfiguration.watchRule(key, rr.ruleKind(), text -> {
                    try {
                        rr.setServiceRule(key, text);
                    } catch (IllegalArgumentException e) {
                        // The router keeps its previous rule; the operator hears why here.
                        log.warn("refused {} rule for {}: {}", rr.ruleKind(), key, e.getMessage());
                    }
                });
                ruleWatches.put(key + "#" + rr.ruleKind(), w);
            }
        }
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

    /** The time this bootstrap waits between leaving the registry and stopping to serve. */
    public Duration unregisterGrace() {
        return unregisterGrace;
    }

    /**
     * Leaves the registry first; waits the unregister grace when anything was registered, so
     * consumers move to other instances while this one still answers; then stops serving,
     * then closes references, protocols and the registry.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        int left = 0;
        for (Registered r : registered) {
            try {
                registry.unregister(r.key, r.endpoint);
                left++;
            } catch (RuntimeException e) {
                log.warn("could not unregister {} at {}: {}", r.key, r.endpoint, e.toString());
            }
        }
        if (left > 0 && !unregisterGrace.isZero()) {
            log.info("left the registry with {} endpoint(s); serving {} more before stopping", left, unregisterGrace);
            sleep(unregisterGrace);
        }
        for (Subscribed s : subscribed) {
            try {
                registry.unsubscribe(s.key, s.listener);
            } catch (RuntimeException e) {
                log.warn("could not unsubscribe from {}: {}", s.key, e.toString());
            }
        }
        ruleWatches.values().forEach(DynamicConfiguration.Watch::close);
        ruleWatches.clear();
        for (Followed f : followed) {
            try {
                f.protocol.unsubscribe(f.key, f.listener);
            } catch (RuntimeException e) {
                log.warn("could not stop following {}: {}", f.key, e.toString());
            }
        }
        exporters.forEach(Exporter::unexport);
        directories.forEach(InvokerDirectory::close);
        retiring.forEach(DrainingInvoker::close);
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

    private void retire(DrainingInvoker invoker) {
        retiring.add(invoker);
        CompletableFuture.delayedExecutor(RETIRE_LINGER_MS, TimeUnit.MILLISECONDS).execute(invoker::retire);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // Whoever interrupts a shutdown wants it over: stop waiting, keep the flag.
            Thread.currentThread().interrupt();
        }
    }

    private record Registered(ServiceKey key, Endpoint endpoint) {
    }

    private record Followed(Protocol protocol, ServiceKey key, Registry.Listener listener) {
    }

    private record Subscribed(ServiceKey key, Registry.Listener listener) {
    }

    /**
     * A registry that also publishes what each exported service offers (methods, parameter
     * and return types). The bootstrap hands it each service it exports on a protocol other
     * than {@code injvm}, before registering the service's endpoints.
     */
    @FunctionalInterface
    public interface MetadataPublisher {

        /** Publishes the description of {@code service}; may replace an earlier one. */
        void publish(ServiceConfig<?> service);
    }

    /**
     * A consumer's invoker for one provider endpoint that counts the calls it carries. Once the
     * endpoint has left the registry it is retired: closed when no call is in flight, so calls
     * under way when a provider leaves are answered rather than cut off.
     */
    private final class DrainingInvoker extends ForwardingInvoker {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicBoolean closedOnce = new AtomicBoolean();
        private volatile boolean retired;

        DrainingInvoker(Invoker target) {
            super(target);
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            inFlight.incrementAndGet();
            CompletableFuture<Result> f;
            try {
                f = target.invoke(invocation);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, e) -> {
                if (inFlight.decrementAndGet() == 0 && retired) {
                    close();
                }
            });
            return f;
        }

        @Override
        public boolean isAvailable() {
            return !closedOnce.get() && target.isAvailable();
        }

        /** No new call will choose this invoker: close it as soon as nothing is in flight. */
        void retire() {
            retired = true;
            if (inFlight.get() == 0) {
                close();
            }
        }

        @Override
        public void close() {
            if (closedOnce.compareAndSet(false, true)) {
                retiring.remove(this);
                target.close();
            }
        }
    }

    /** Configures a {@link FerryBootstrap}. */
    public static final class Builder {
        private ExtensionRegistry extensions = ExtensionRegistry.shared();
        private final Map<String, Protocol> protocols = new LinkedHashMap<>();
        private String defaultProtocol;
        private Registry registry;
        private DynamicConfiguration dynamicConfiguration;
        private Duration unregisterGrace = DEFAULT_UNREGISTER_GRACE;

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

        /**
         * Where router rules live (e.g. {@code zookeeperRegistry.dynamicConfiguration()}): every
         * {@link RuleRouter} of every reference follows its service's rule there.
         */
        public Builder dynamicConfiguration(DynamicConfiguration dynamicConfiguration) {
            this.dynamicConfiguration = Objects.requireNonNull(dynamicConfiguration, "dynamicConfiguration");
            return this;
        }

        /** Registers exported services here and finds referenced ones here. */
        public Builder registry(Registry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * How long {@link FerryBootstrap#close()} keeps serving after leaving the registry
         * (default {@link FerryBootstrap#DEFAULT_UNREGISTER_GRACE 2 s}; only spent when something was
         * registered). Zero suits tests and registries whose consumers all live in this JVM.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder unregisterGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("unregister grace is negative: " + grace);
            }
            this.unregisterGrace = grace;
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
