package dev.ferry.registry.zookeeper;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.DynamicConfiguration;
import dev.ferry.api.spi.RuleKind;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Router rules kept in ZooKeeper at {@code <ferryRoot>/services/<interface>/<group>/<version>/routers/<kind>}
 * (see {@link ZookeeperPaths}): the node's data is the rule text, UTF-8. Rules are written
 * with {@link ZookeeperConfigStore}. Each watch caches its node and hears of changes within
 * ZooKeeper's notification time; while ZooKeeper is unreachable the last rule stays in force.
 */
public final class ZookeeperDynamicConfiguration implements DynamicConfiguration, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZookeeperDynamicConfiguration.class);

    private final ZookeeperConnection zk;
    private final Set<RuleWatch> watches = ConcurrentHashMap.newKeySet();

    /** Rules read over {@code connection}, which the caller keeps open while watching. */
    public ZookeeperDynamicConfiguration(ZookeeperConnection connection) {
        this.zk = Objects.requireNonNull(connection, "connection");
    }

    @Override
    public Watch watchRule(ServiceKey service, RuleKind kind, Consumer<String> onChange) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(onChange, "onChange");
        if (zk.isClosed()) {
            throw new IllegalStateException("the ZooKeeper connection is closed");
        }
        RuleWatch w = new RuleWatch(service, kind, zk.paths().rulePath(service, kind), onChange);
        watches.add(w);
        w.start();
        return w;
    }

    /** Stops every watch made here. */
    @Override
    public void close() {
        watches.forEach(RuleWatch::close);
    }

    /** One rule node followed for one callback. */
    private final class RuleWatch implements Watch {
        private final ServiceKey service;
        private final RuleKind kind;
        private final String path;
        private final Consumer<String> onChange;
        private final CuratorCache cache;
        private final CountDownLatch initialized = new CountDownLatch(1);
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean refreshPending = new AtomicBoolean();
        private String delivered;   // guarded by this

        RuleWatch(ServiceKey service, RuleKind kind, String path, Consumer<String> onChange) {
            this.service = service;
            this.kind = kind;
            this.path = path;
            this.onChange = onChange;
            this.cache = CuratorCache.build(zk.client(), path, CuratorCache.Options.SINGLE_NODE_CACHE);
        }

        void start() {
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, before, after) -> refreshLater())
                    .forInitialized(initialized::countDown)
                    .build());
            cache.start();
            try {
                if (!initialized.await(zk.config().connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{} rule of {} not read from ZooKeeper within {}; following it as it arrives",
                            kind.nodeName(), service, zk.config().connectionTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            refresh(); // the first text, on the caller's thread
        }

        private void refreshLater() {
            if (refreshPending.compareAndSet(false, true)) {
                zk.notifyLater(() -> {
                    refreshPending.set(false);
                    refresh();
                });
            }
        }

        // Synchronized: the first delivery (caller's thread) and changes (notifier thread) never overlap.
        private synchronized void refresh() {
            if (closed.get()) {
                return;
            }
            String now = cache.get(path).map(ChildData::getData)
                    .map(d -> new String(d, StandardCharsets.UTF_8)).orElse("");
            if (now.equals(delivered)) {
                return;
            }
            delivered = now;
            try {
                onChange.accept(now);
            } catch (RuntimeException e) {
                log.warn("applying the {} rule of {} failed: {}", kind.nodeName(), service, e.toString(), e);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                watches.remove(this);
                cache.close();
            }
        }
    }
}
