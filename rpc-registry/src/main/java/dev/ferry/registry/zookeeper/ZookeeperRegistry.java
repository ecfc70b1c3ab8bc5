package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Registry;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.api.spi.DynamicConfiguration;
import dev.ferry.registry.config.InstanceOverride;
import dev.ferry.registry.metadata.ServiceMetadata;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Registry} on ZooKeeper, through Curator. The path layout is described by
 * {@link ZookeeperPaths}; provider entries follow Apache Dubbo's interface-level layout, so a
 * Dubbo consumer (interface-level discovery) finds Ferry providers and a Ferry consumer finds
 * Dubbo providers.
 *
 * <ul>
 *   <li><b>Providers</b>: each registered endpoint is an ephemeral node whose name is its
 *       {@link ProviderUrl}. Curator re-creates it after a lost session, so a provider comes
 *       back by itself once ZooKeeper is reachable again.</li>
 *   <li><b>Consumers</b>: a subscription caches the service's provider nodes and its
 *       instance overrides and tells its listeners the full list after every change; each
 *       endpoint is the registered one plus {@code timestamp}, its registration time (see
 *       {@link ProviderUrl#consumerEndpoint()}). An entry
 *       that cannot be read is skipped with one warning; the valid ones are unaffected. While
 *       ZooKeeper is unreachable the last known list stays in force.</li>
 *   <li><b>Overrides</b>: an {@link InstanceOverride} at
 *       {@code <ferryRoot>/services/…/overrides/<host:port>} changes the weight of that
 *       instance in the delivered list, or removes it.</li>
 *   <li><b>Metadata</b>: as a {@link FerryBootstrap.MetadataPublisher}, it writes each exported
 *       service's {@link ServiceMetadata} and names its methods in the provider entries.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FerryBootstrap ferry = FerryBootstrap.builder()
 *         .protocol(new DubboProtocol(DubboProtocolConfig.builder().port(20880).build()))
 *         .registry(ZookeeperRegistry.connect(ZookeeperRegistryConfig.of("zk1:2181,zk2:2181,zk3:2181")))
 *         .build()) { … }
 * }</pre>
 *
 * <p>Needs a ZooKeeper server of version 3.6 or later (persistent recursive watches).
 */
public final class ZookeeperRegistry implements Registry, FerryBootstrap.MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(ZookeeperRegistry.class);
    private static final byte[] NO_DATA = new byte[0];

    private final ZookeeperConnection zk;
    private final boolean ownsConnection;
    private final ZookeeperPaths paths;
    private final Map<Registration, PersistentNode> registered = new HashMap<>();   // guarded by itself
    private final Map<ServiceKey, Described> described = new ConcurrentHashMap<>();
    private final Map<ServiceKey, ServiceMetadata> unpublished = new ConcurrentHashMap<>();
    private final Map<ServiceKey, Subscription> subscriptions = new HashMap<>();     // guarded by itself
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ZookeeperDynamicConfiguration dynamicConfiguration;

    private ZookeeperRegistry(ZookeeperConnection zk, boolean ownsConnection) {
        this.zk = zk;
        this.ownsConnection = ownsConnection;
        this.paths = zk.paths();
        zk.onReconnected(this::publishPending);
    }

    /**
     * A registry with its own connection, closed with the registry.
     *
     * @throws IllegalStateException when ZooKeeper does not answer within the connection timeout
     */
    public static ZookeeperRegistry connect(ZookeeperRegistryConfig config) {
        return new ZookeeperRegistry(ZookeeperConnection.open(config), true);
    }

    /** A registry with its own connection to {@code connectString}, every other setting at its default. */
    public static ZookeeperRegistry connect(String connectString) {
        return connect(ZookeeperRegistryConfig.of(connectString));
    }

    /** A registry on a connection that someone else owns and closes. */
    public static ZookeeperRegistry on(ZookeeperConnection connection) {
        return new ZookeeperRegistry(Objects.requireNonNull(connection, "connection"), false);
    }

    /** The connection this registry uses. */
    public ZookeeperConnection connection() {
        return zk;
    }

    /** Router rules on this registry's connection, for consumers' routers to follow. */
    public DynamicConfiguration dynamicConfiguration() {
        ZookeeperDynamicConfiguration d = dynamicConfiguration;
        if (d == null) {
            synchronized (this) {
                if (dynamicConfiguration == null) {
                    dynamicConfiguration = new ZookeeperDynamicConfiguration(zk);
                }
                d = dynamicConfiguration;
            }
        }
        return d;
    }

    // ------------------------------------------------------------------ provider side

    /**
     * Writes the ephemeral entry of {@code endpoint}, waiting up to the connection timeout for
     * it to exist; when ZooKeeper is unreachable the entry is written once it is back.
     *
     * @throws IllegalArgumentException when the endpoint cannot be written as an entry (a
     *         parameter named like one of {@link ProviderUrl#REGISTRY_KEYS}, an odd host)
     */
    @Override
    public void register(ServiceKey key, Endpoint endpoint) {
        ensureOpen();
        Described d = described.get(key);
        ProviderUrl url = ProviderUrl.of(key, endpoint, zk.config().application(),
                d == null ? List.of() : d.methods, d == null ? List.of() : d.serializations, System.currentTimeMillis());
        String path = paths.providerPath(url);
        PersistentNode node;
        synchronized (registered) {
            Registration r = new Registration(key, endpoint);
            if (registered.containsKey(r)) {
                return;
            }
            node = new PersistentNode(zk.client(), CreateMode.EPHEMERAL, false, path, NO_DATA);
            registered.put(r, node);
        }
        node.start();
        try {
            if (!node.waitForInitialCreate(zk.config().connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} at {} is not in ZooKeeper yet; it will be registered when ZooKeeper answers", key, endpoint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("registered {} at {}", key, path);
    }

    @Override
    public void unregister(ServiceKey key, Endpoint endpoint) {
        PersistentNode node;
        synchronized (registered) {
            node = registered.remove(new Registration(key, endpoint));
        }
        if (node != null) {
            withdraw(node);
        }
    }

    /**
     * Publishes the service's methods and types, and remembers them for its provider entries.
     * While ZooKeeper is unreachable the metadata waits and is written once it is back.
     *
     * @throws IllegalStateException when ZooKeeper refuses the write
     */
    @Override
    public void publish(ServiceConfig<?> service) {
        ensureOpen();
        ServiceMetadata metadata = ServiceMetadata.of(service.serviceKey(), service.type());
        described.put(service.serviceKey(), new Described(metadata.methodNames(), service.serializations()));
        if (!zk.isConnected()) {
            unpublished.put(service.serviceKey(), metadata);
            log.warn("metadata of {} will be published when ZooKeeper is reachable", service.serviceKey());
            return;
        }
        write(metadata);
    }

    private void write(ServiceMetadata metadata) {
        try {
            zk.client().create().orSetData().creatingParentsIfNeeded()
                    .forPath(paths.metadataPath(metadata.service()), metadata.encode());
        } catch (Exception e) {
            throw new IllegalStateException("could not write the metadata of " + metadata.service() + ": " + e, e);
        }
    }

    private void publishPending() {
        for (ServiceKey key : List.copyOf(unpublished.keySet())) {
            ServiceMetadata md = unpublished.remove(key);
            if (md == null || closed.get()) {
                continue;
            }
            try {
                write(md);
            } catch (IllegalStateException e) {
                unpublished.putIfAbsent(key, md); // next reconnection
                log.warn(e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ consumer side

    /**
     * Calls {@code listener} with the providers of {@code key} known now (waiting up to the
     * connection timeout for the first read), then after every change.
     */
    @Override
    public void subscribe(ServiceKey key, Listener listener) {
        ensureOpen();
        Objects.requireNonNull(listener, "listener");
        Subscription s;
        boolean started;
        synchronized (subscriptions) {
            s = subscriptions.get(key);
            started = s == null;
            if (started) {
                s = new Subscription(key);
                subscriptions.put(key, s);
            }
        }
        if (started) {
            s.start();
        } else {
            s.awaitInitialized();
        }
        s.add(listener);
        if (s.closed) {
            // Its last listener left meanwhile and took the subscription down: start a fresh one.
            s.remove(listener);
            subscribe(key, listener);
        }
    }

    @Override
    public void unsubscribe(ServiceKey key, Listener listener) {
        Subscription emptied = null;
        synchronized (subscriptions) {
            Subscription s = subscriptions.get(key);
            if (s != null && s.remove(listener) && s.isEmpty()) {
                subscriptions.remove(key);
                emptied = s;
            }
        }
        if (emptied != null) {
            emptied.close();
        }
    }

    /** Withdraws every entry this registry wrote, stops every subscription, and closes its own connection. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<PersistentNode> nodes;
        synchronized (registered) {
            nodes = new ArrayList<>(registered.values());
            registered.clear();
        }
        if (ownsConnection && !zk.isConnected()) {
            // Closing the client ends the session, and the entries with it, once ZooKeeper notices.
            if (!nodes.isEmpty()) {
                log.warn("ZooKeeper is unreachable: this instance's {} entries leave the registry when its session ends",
                        nodes.size());
            }
        } else {
            nodes.forEach(this::withdraw);
        }
        List<Subscription> subs;
        synchronized (subscriptions) {
            subs = new ArrayList<>(subscriptions.values());
            subscriptions.clear();
        }
        subs.forEach(Subscription::close);
        ZookeeperDynamicConfiguration d = dynamicConfiguration;
        if (d != null) {
            d.close();
        }
        if (ownsConnection) {
            zk.close();
        }
    }

    @Override
    public String toString() {
        return "ZookeeperRegistry{" + zk.config().connectString() + "}";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("registry is closed");
        }
    }

    /**
     * Deletes an entry: at once while connected, so consumers hear of it before the caller
     * goes on (graceful shutdown relies on that); in the background otherwise, rather than
     * blocking a shutdown on an unreachable ensemble. The entry is ephemeral: it goes with the
     * session at the latest.
     */
    private void withdraw(PersistentNode node) {
        if (zk.isConnected()) {
            closeNode(node);
        } else {
            log.warn("ZooKeeper is unreachable: {} leaves the registry when it is back or when the session ends",
                    node.getActualPath());
            CompletableFuture.runAsync(() -> closeNode(node));
        }
    }

    private static void closeNode(PersistentNode node) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            // The node is ephemeral: at worst it goes with the session.
            log.warn("could not delete {}: {}", node.getActualPath(), e.toString());
        }
    }

    private record Registration(ServiceKey key, Endpoint endpoint) {
    }

    private record Described(List<String> methods, List<String> serializations) {
    }

    /**
     * The consumers of one service: a cache of the interface's provider nodes and one of the
     * service's overrides, the list last computed, and the listeners. Changes are computed and
     * delivered on the connection's notifier thread; a new listener gets its first list on its
     * subscriber's thread.
     */
    private final class Subscription {
        private final ServiceKey key;
        private final String providersPath;
        private final String overridesPath;
        private final CuratorCache providers;
        private final CuratorCache overrides;
        private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        private final CountDownLatch initialized = new CountDownLatch(2);
        private final AtomicBoolean refreshPending = new AtomicBoolean();
        private final Set<String> warned = new HashSet<>();   // guarded by this
        private List<Endpoint> current;                        // guarded by this
        private long version;                                  // guarded by this
        private volatile boolean closed;

        Subscription(ServiceKey key) {
            this.key = key;
            this.providersPath = paths.providersPath(key.interfaceName());
            this.overridesPath = paths.overridesPath(key);
            this.providers = CuratorCache.build(zk.client(), providersPath);
            this.overrides = CuratorCache.build(zk.client(), overridesPath);
        }

        void start() {
            for (CuratorCache cache : List.of(providers, overrides)) {
                cache.listenable().addListener(CuratorCacheListener.builder()
                        .forAll((type, before, after) -> refreshLater())
                        .forInitialized(() -> {
                            initialized.countDown();
                            refreshLater();
                        })
                        .build());
                cache.start();
            }
            try {
                if (!initialized.await(zk.config().connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("providers of {} not read from ZooKeeper within {}; following them as they arrive",
                            key, zk.config().connectionTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitInitialized() {
            try {
                initialized.await(zk.config().connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Adds a listener and tells it the current list, on the caller's thread. */
        void add(Listener listener) {
            Delivery d = new Delivery(key, listener);
            deliveries.add(d); // first, so no refresh after the snapshot below can miss it
            d.offer(snapshot());
        }

        boolean remove(Listener listener) {
            return deliveries.removeIf(d -> d.listener == listener);
        }

        boolean isEmpty() {
            return deliveries.isEmpty();
        }

        void close() {
            closed = true;
            providers.close();
            overrides.close();
        }

        private void refreshLater() {
            if (refreshPending.compareAndSet(false, true)) {
                zk.notifyLater(() -> {
                    refreshPending.set(false);
                    refresh();
                });
            }
        }

        private void refresh() {
            if (closed || deliveries.isEmpty()) {
                return;
            }
            Snapshot s = snapshot();
            for (Delivery d : deliveries) {
                d.offer(s);
            }
        }

        /** The current list, numbered: a new number whenever it differs from the previous one. */
        private synchronized Snapshot snapshot() {
            List<Endpoint> now = compute();
            if (!now.equals(current)) {
                current = now;
                version++;
            }
            return new Snapshot(version, current);
        }

        /** The providers of this service as the caches hold them, overrides applied. */
        private List<Endpoint> compute() {
            Map<String, InstanceOverride> byAddress = readOverrides();
            // Keyed by the registered endpoint: one instance registered twice is delivered once.
            Map<Endpoint, Endpoint> out = new LinkedHashMap<>();
            Set<String> present = new HashSet<>();
            List<ChildData> nodes = providers.stream()
                    .filter(cd -> isChild(providersPath, cd.getPath()))
                    .sorted(Comparator.comparing(ChildData::getPath))
                    .toList();
            for (ChildData cd : nodes) {
                String name = cd.getPath().substring(providersPath.length() + 1);
                present.add(name);
                ProviderUrl url;
                try {
                    url = ProviderUrl.parse(name);
                } catch (IllegalArgumentException e) {
                    warnOnce(name, "skipping malformed provider entry '" + abbreviate(name) + "' under " + providersPath
                            + ": " + e.getMessage());
                    continue;
                }
                if (!url.service().equals(key)) {
                    continue; // another group or version of the interface
                }
                InstanceOverride o = byAddress.get(url.endpoint().address());
                Endpoint delivered = url.consumerEndpoint();
                Optional<Endpoint> ep = o == null ? Optional.of(delivered) : o.applyTo(delivered);
                ep.ifPresent(e -> out.putIfAbsent(url.endpoint(), e));
            }
            for (ChildData cd : overrides.stream().filter(c -> isChild(overridesPath, c.getPath())).toList()) {
                present.add(cd.getPath());
            }
            warned.retainAll(present);
            return List.copyOf(out.values());
        }

        private Map<String, InstanceOverride> readOverrides() {
            Map<String, InstanceOverride> byAddress = new HashMap<>();
            overrides.stream().filter(cd -> isChild(overridesPath, cd.getPath())).forEach(cd -> {
                String name = cd.getPath().substring(overridesPath.length() + 1);
                try {
                    byte[] data = cd.getData() == null ? NO_DATA : cd.getData();
                    byAddress.put(ZookeeperPaths.value(name), InstanceOverride.parse(data));
                } catch (IllegalArgumentException e) {
                    warnOnce(cd.getPath(), "ignoring malformed override " + cd.getPath() + ": " + e.getMessage());
                }
            });
            return byAddress;
        }

        private void warnOnce(String id, String message) {
            if (warned.add(id)) {
                log.warn(message);
            }
        }
    }

    private record Snapshot(long version, List<Endpoint> endpoints) {
    }

    /**
     * One listener of a subscription. Lists reach it one at a time and never out of order: a
     * snapshot older than (or as old as) the last one it was told is dropped, so the first
     * list given on the subscriber's thread and the changes given on the notifier thread
     * cannot overtake one another.
     */
    private static final class Delivery {
        private final ServiceKey key;
        private final Listener listener;
        private long delivered = -1;   // guarded by this

        Delivery(ServiceKey key, Listener listener) {
            this.key = key;
            this.listener = listener;
        }

        synchronized void offer(Snapshot s) {
            if (s.version() <= delivered) {
                return;
            }
            delivered = s.version();
            try {
                listener.onChange(s.endpoints());
            } catch (RuntimeException e) {
                // One broken subscriber must not keep the others from hearing of the change.
                log.warn("registry listener for {} failed: {}", key, e.toString(), e);
            }
        }
    }

    static boolean isChild(String parent, String path) {
        return path.length() > parent.length() + 1 && path.startsWith(parent) && path.charAt(parent.length()) == '/'
                && path.indexOf('/', parent.length() + 1) < 0;
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
