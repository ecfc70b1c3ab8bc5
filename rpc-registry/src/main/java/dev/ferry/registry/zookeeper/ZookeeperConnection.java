package dev.ferry.registry.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Curator client to a ZooKeeper ensemble, shared by the registry, the dynamic
 * configuration, the configuration store and the service catalog built on it.
 *
 * <p>It reports the connection in the log once per change: a warning when ZooKeeper becomes
 * unreachable (consumers keep the providers they know meanwhile; nothing is logged per call)
 * and a note when it is back. Changes seen by everything built on this connection are handed
 * to listeners on one notifier thread, in order, never on ZooKeeper's own event thread.
 */
public final class ZookeeperConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZookeeperConnection.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ZookeeperRegistryConfig config;
    private final ZookeeperPaths paths;
    private final CuratorFramework client;
    private final ExecutorService notifier;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> reconnectTasks = new CopyOnWriteArrayList<>();

    private ZookeeperConnection(ZookeeperRegistryConfig config) {
        this.config = config;
        this.paths = ZookeeperPaths.of(config);
        int n = SEQUENCE.incrementAndGet();
        this.client = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs(millis(config.sessionTimeout()))
                .connectionTimeoutMs(millis(config.connectionTimeout()))
                // Per operation: a few quick retries; the connection itself is re-established forever.
                .retryPolicy(new ExponentialBackoffRetry(250, 3))
                .threadFactory(daemon("ferry-zookeeper-" + n))
                .build();
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferry-zookeeper-notify-" + n);
            t.setDaemon(true);
            return t;
        });
        client.getConnectionStateListenable().addListener((c, state) -> onStateChange(state));
    }

    /**
     * Connects, waiting up to the configured connection timeout.
     *
     * @throws IllegalStateException when ZooKeeper does not answer in time
     */
    public static ZookeeperConnection open(ZookeeperRegistryConfig config) {
        ZookeeperConnection c = new ZookeeperConnection(Objects.requireNonNull(config, "config"));
        c.client.start();
        boolean connected;
        try {
            connected = c.client.blockUntilConnected(millis(config.connectionTimeout()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            c.close();
            throw new IllegalStateException("ZooKeeper at " + config.connectString() + " did not answer within "
                    + config.connectionTimeout());
        }
        return c;
    }

    /** The Curator client, for reading and writing nodes directly. */
    public CuratorFramework client() {
        return client;
    }

    public ZookeeperRegistryConfig config() {
        return config;
    }

    public ZookeeperPaths paths() {
        return paths;
    }

    /** True while the client holds a live connection to the ensemble. */
    public boolean isConnected() {
        return client.getZookeeperClient().isConnected();
    }

    /** Runs {@code task} on the notifier thread each time the connection comes back after a loss. */
    void onReconnected(Runnable task) {
        reconnectTasks.add(task);
    }

    /** Runs {@code task} on the notifier thread, after the tasks already given to it. */
    void notifyLater(Runnable task) {
        if (closed.get()) {
            return;
        }
        try {
            notifier.execute(() -> runLogged(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile: nobody is listening any more.
        }
    }

    /** Closes the client; ephemeral nodes it created disappear with its session. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.close();
        } finally {
            notifier.shutdown();
            try {
                if (!notifier.awaitTermination(2, TimeUnit.SECONDS)) {
                    notifier.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "ZookeeperConnection{" + config.connectString() + (isConnected() ? ", connected" : ", not connected") + "}";
    }

    private void onStateChange(ConnectionState state) {
        if (closed.get()) {
            return;
        }
        switch (state) {
            case SUSPENDED, LOST -> {
                if (reachable.compareAndSet(true, false)) {
                    log.warn("lost ZooKeeper {} ({}): consumers keep calling the providers they know; registrations "
                            + "and subscriptions are restored when it is back", config.connectString(), state);
                } else if (state == ConnectionState.LOST) {
                    log.info("ZooKeeper session at {} expired; this instance's ephemeral entries are gone until it "
                            + "reconnects", config.connectString());
                }
            }
            case RECONNECTED, CONNECTED -> {
                if (reachable.compareAndSet(false, true)) {
                    log.info("ZooKeeper {} is reachable again", config.connectString());
                    reconnectTasks.forEach(this::notifyLater);
                }
            }
            default -> {
                // READ_ONLY: a partitioned ensemble member; writes resume with the majority.
            }
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("a registry listener failed: {}", e.toString(), e);
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
