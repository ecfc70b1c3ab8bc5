package dev.ferry.protocol.rocketmq.embedded;

import io.netty.channel.Channel;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyEvent;
import org.apache.rocketmq.remoting.netty.NettyEventType;
import org.apache.rocketmq.remoting.RemotingServer;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.apache.rocketmq.remoting.netty.NettyRemotingServer;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.config.MessageStoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-JVM RocketMQ 5.x cluster — one NameServer and one or more master brokers — for tests
 * and examples.
 *
 * <pre>{@code
 * try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().brokers(2).build().start()) {
 *     mq.createTopic("orders", 4);            // on every broker, route visible on return
 *     producer.setNamesrvAddr(mq.nameServerAddress());
 *     ...
 * }
 * }</pre>
 *
 * <p>What it takes care of, so that a test goes from nothing to a reply in a few seconds:
 * <ul>
 *   <li><b>Ports.</b> Every port is OS-chosen (port 0), so nothing is guessed and nothing
 *       collides: the NameServer's, each broker's main port, its "fast" (VIP) port — which
 *       RocketMQ derives as {@code listenPort - 2}, clamped to 0, so port 0 here too — and its
 *       HA port (BrokerStartup would use {@code listenPort + 1}). All bind to
 *       {@code 127.0.0.1} except the HA port, which RocketMQ always binds on every interface.
 *       Since the VIP port is not {@code listenPort - 2}, clients must keep
 *       {@code vipChannelEnabled=false} (the 5.x default).</li>
 *   <li><b>Disk.</b> One temporary directory per instance (NameServer KV file, each broker's
 *       store and config), removed by {@link #close()}. The store is shrunk: 16 MB commit-log
 *       files, 400 KB consume-queue files, a tiny index, no timer wheel, no transient store
 *       pool.</li>
 *   <li><b>Routes.</b> A broker's registration carries its topics only if the JVM property
 *       {@code rocketmq.remoting.version} is set (by RocketMQ's startup classes or by the
 *       first rocketmq-client class loaded): without it the NameServer reads the request as
 *       from a pre-3.0.11 broker and no route ever appears. {@link #start()} sets it. A topic
 *       created in a broker's topic table reaches the NameServer only at the next periodic
 *       registration (10 s after start, then every 30 s); {@link #createTopic} registers at
 *       once, and {@link #awaitRoute} polls the NameServer's route table in-process instead of
 *       sleeping.</li>
 *   <li><b>Request-reply.</b> Every broker creates {@code <cluster>_REPLY_TOPIC} at start and
 *       pushes a reply straight to the requester's connection; {@link #start()} returns only
 *       once that topic's route lists every broker.</li>
 *   <li><b>Logging.</b> RocketMQ logs through its own shaded logback, by default (with the
 *       broker jar present) to files under {@code ~/logs/rocketmqlogs}. Loading this class
 *       sends RocketMQ's logs — of every RocketMQ client and server in the JVM — to stderr at
 *       WARN (ERROR for the chattiest loggers) instead, unless the application configured
 *       RocketMQ's logging itself: {@code -Drmq.logback.configurationFile=…}, or an
 *       {@code rmq.logback-test.xml} / {@code rmq.logback.xml} resource.</li>
 *   <li><b>Speed.</b> Cold start to a routable cluster in under a second on 2 cores (see
 *       {@link #start()}), {@link #close()} in about one.</li>
 *   <li><b>Patience.</b> On a busy test machine a broker would refuse sends that waited over
 *       200 ms in its queue ("broker busy, start flow control") or found the commit log locked
 *       over 1 s ("page cache busy"); here they wait their turn.</li>
 *   <li><b>Restarts.</b> {@link #stopBroker}/{@link #startBroker} take one broker down and back
 *       up on the same port with the same store, as a broker restart looks to clients.</li>
 * </ul>
 *
 * <p>JVM-wide side effects, all needed and all RocketMQ's own switches: the system property
 * {@code rocketmq.remoting.version} (if unset), {@code TlsSystemConfig.tlsMode = DISABLED} for
 * RocketMQ servers created afterwards (unless {@code -Dtls.server.mode} is given), and the
 * logging above.
 *
 * <p>Clients: give every client a distinct {@code instanceName} (the client id is
 * {@code IP@instanceName}, and two clients sharing an id receive each other's replies); use
 * {@link ConsumerReadiness} to know when a push consumer has its queues, and
 * {@link #awaitRequester} before requests when there is more than one broker. Each
 * rocketmq-client instance takes up to 3 s to shut down; shut several down in parallel.
 *
 * <p>Requires {@code rocketmq-broker} and {@code rocketmq-namesrv} on the class path (optional
 * dependencies of this module). Not for production: one process, no replication, no
 * durability guarantees.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

    /** Loopback only: the embedded cluster is never reachable from another machine. */
    private static final String HOST = "127.0.0.1";
    private static final Duration START_ROUTE_TIMEOUT = Duration.ofSeconds(30);
    private static final long REREGISTER_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();
    private static final long TRANSACTION_METRICS_FLUSH_MILLIS = 200;
    private static final String STORE_CLASS = "org.apache.rocketmq.store.DefaultMessageStore";

    private final String clusterName;
    private final int brokerCount;
    private final boolean autoCreateTopics;
    private final int defaultTopicQueues;
    private final Path parentDirectory;

    private final Object lock = new Object();
    private boolean started;
    private boolean closed;
    private Path storeDirectory;
    private NamesrvController nameServer;
    private String nameServerAddress;
    private final List<BrokerController> brokers = new ArrayList<>();
    /** Brokers stopped by {@link #stopBroker}, by name: their store directory and port, for {@link #startBroker}. */
    private final Map<String, StoppedBroker> stopped = new LinkedHashMap<>();
    private int brokerStarts;
    private Thread shutdownHook;
    private boolean[] userLogDirs;

    static {
        // As early as possible: RocketMQ's logging initializes on the first RocketMQ class that
        // logs (even TopicValidator, used by the builder), and loads its default file then.
        QuietLogging.apply();
    }

    private EmbeddedRocketMq(Builder b) {
        this.clusterName = b.clusterName;
        this.brokerCount = b.brokers;
        this.autoCreateTopics = b.autoCreateTopics;
        this.defaultTopicQueues = b.defaultTopicQueues;
        this.parentDirectory = b.parentDirectory;
    }

    /** A builder with one broker, cluster {@code DefaultCluster}, topic auto-creation on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the NameServer, then the brokers, and returns once every broker is registered and
     * the reply topic is routable.
     *
     * @return this instance
     * @throws IllegalStateException if already started or closed, or if RocketMQ fails to start
     *     (everything started so far is then closed again)
     */
    public EmbeddedRocketMq start() {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
        }
        try {
            doStart();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IllegalStateException("embedded RocketMQ failed to start", e);
        }
        return this;
    }

    private void doStart() throws Exception {
        // The broker's registration request carries this version. Without it (it is set only by
        // BrokerStartup/NamesrvStartup and by the client's MQClientAPIImpl class initializer) the
        // request goes out as version 0, the NameServer decodes its body as a pre-3.0.11 broker's
        // and registers no topics: routes then appear only after some client class happens to
        // set the property and the next periodic registration (10 s, then every 30 s) runs.
        if (System.getProperty(RemotingCommand.REMOTING_VERSION_KEY) == null) {
            System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        }
        // RocketMQ servers default to TLS "permissive" (plain and TLS on one port), and build a
        // self-signed certificate for it in every server's constructor: ~0.8 s of a cold start.
        // Nothing here uses TLS, so unless asked for with -Dtls.server.mode, turn it off (a
        // JVM-wide static, read by every RocketMQ server created afterwards).
        if (System.getProperty(TlsSystemConfig.TLS_SERVER_MODE) == null) {
            TlsSystemConfig.tlsMode = TlsMode.DISABLED;
        }

        Path root = parentDirectory == null
            ? Files.createTempDirectory("ferry-rocketmq-")
            : Files.createTempDirectory(Files.createDirectories(parentDirectory), "ferry-rocketmq-");
        synchronized (lock) {
            storeDirectory = root;
            userLogDirs = RocksDbInfoLogs.existingUserLogDirs();
            // A test that forgets close() (or a JVM killed by Ctrl-C) still removes the store.
            shutdownHook = new Thread(this::close, "embedded-rocketmq-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        startNameServer(root.resolve("namesrv"));

        // Short random tag in broker names: RocketMQ caches some per-broker state in statics
        // keyed by broker name (e.g. the auth metadata providers), so two instances started one
        // after the other in one JVM must not share names.
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < brokerCount; i++) {
            String name = "broker-" + tag + "-" + i;
            launchBroker(name, root.resolve(name), 0);
        }
        // Readiness, not a sleep: every broker must be in the reply topic's route.
        awaitRoute(replyTopic(), START_ROUTE_TIMEOUT);
    }

    private static void awaitNameServerReachable(BrokerController broker) {
        long deadline = System.nanoTime() + START_ROUTE_TIMEOUT.toNanos();
        while (broker.getBrokerOuterAPI().getRemotingClient().getAvailableNameSrvList().isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("broker " + broker.getBrokerConfig().getBrokerName()
                    + " cannot reach the NameServer at " + broker.getBrokerConfig().getNamesrvAddr());
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    private void startNameServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        NamesrvConfig config = new NamesrvConfig();
        // Both default to ~/namesrv/...
        config.setKvConfigPath(dir.resolve("kvConfig.json").toString());
        config.setConfigStorePath(dir.resolve("namesrv.properties").toString());
        config.setDefaultThreadPoolNums(4);
        config.setClientRequestThreadPoolNums(2);

        NettyServerConfig server = smallServerConfig();
        NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
        synchronized (lock) {
            nameServer = controller;
        }
        if (!controller.initialize()) {
            throw new IllegalStateException("NameServer failed to initialize");
        }
        controller.start(); // writes the OS-chosen port back into the server config
        nameServerAddress = HOST + ":" + server.getListenPort();
    }

    private BrokerController launchBroker(String name, Path dir, int port) throws Exception {
        BrokerController broker = newBroker(name, dir, port);
        synchronized (lock) {
            brokers.add(broker);
        }
        if (!broker.initialize()) {
            throw new IllegalStateException("broker " + name + " failed to initialize (see RocketMQ log)");
        }
        broker.start();
        // start() registers with the NameServer synchronously — but only with the name
        // servers its client already found reachable, and that scan runs asynchronously from
        // the same start(): the first registration is usually skipped without a word, and
        // the next comes 10 s later. So wait for the scan, then register.
        awaitNameServerReachable(broker);
        broker.registerBrokerAll(true, false, true);
        return broker;
    }

    private BrokerController newBroker(String name, Path dir, int port) throws IOException {
        Path store = Files.createDirectories(dir.resolve("store"));

        BrokerConfig broker = new BrokerConfig();
        broker.setBrokerClusterName(clusterName);
        broker.setBrokerName(name);
        broker.setBrokerId(MixAll.MASTER_ID);
        broker.setNamesrvAddr(nameServerAddress);
        // Advertised in the route; the default is the first non-loopback address.
        broker.setBrokerIP1(HOST);
        broker.setBrokerIP2(HOST);
        // Defaults to ~/store/config/broker.properties (written on a config update).
        broker.setBrokerConfigPath(dir.resolve("broker.properties").toString());
        broker.setAutoCreateTopicEnable(autoCreateTopics);
        broker.setAutoCreateSubscriptionGroup(true);
        broker.setDefaultTopicQueueNums(defaultTopicQueues);
        // SQL92 message selectors (consumer-side filtering by properties) work only with this.
        broker.setEnablePropertyFilter(true);
        // Fewer threads: the defaults are sized for a production box (16-32 per pool).
        broker.setPullMessageThreadPoolNums(4);
        broker.setProcessReplyMessageThreadPoolNums(4);
        broker.setQueryMessageThreadPoolNums(2);
        broker.setAdminBrokerThreadPoolNums(2);
        broker.setClientManageThreadPoolNums(2);
        broker.setConsumerManageThreadPoolNums(2);
        broker.setLoadBalanceProcessorThreadPoolNums(2);
        broker.setAckMessageThreadPoolNums(2);
        broker.setEndTransactionThreadPoolNums(2);
        broker.setRecoverThreadPoolNums(2);
        // POP consumption (5.x proxy / gRPC SimpleConsumer) is not what Ferry uses. Without these
        // the broker runs 8 PopReviveService threads that warn every second while the timer wheel
        // is off, and PopBufferMergeService sleeps 2 s in shutdown. POP requests still work, but
        // un-acked POP messages are never revived.
        broker.setPopConsumerFSServiceInit(false);
        broker.setReviveQueueNum(1);
        // A busy test machine: a request that waits over 200 ms in the broker's send queue would
        // be refused ("broker busy, start flow control"); here it waits its turn instead.
        broker.setBrokerFastFailureEnable(false);
        // The transaction-metrics thread spins on a core until its first flush is due (10 s by
        // default) before it ever waits: the interval bounds that spin at start-up; after it,
        // the thread writes its small metrics file once per interval.
        broker.setTransactionMetricFlushInterval(TRANSACTION_METRICS_FLUSH_MILLIS);

        MessageStoreConfig storeConfig = new MessageStoreConfig();
        storeConfig.setStorePathRootDir(store.toString());
        storeConfig.setStorePathCommitLog(store.resolve("commitlog").toString());
        // 1 GB commit-log files, 5.7 MB consume-queue files and a ~400 MB index by default.
        storeConfig.setMappedFileSizeCommitLog(16 * 1024 * 1024); // > maxMessageSize (4 MB)
        storeConfig.setMappedFileSizeConsumeQueue(20_000 * 20);    // 20k entries of 20 bytes
        // A 21 MB index file (sparse until written) of 1M keys: small enough for a test's temp
        // store, large enough that a loaded broker does not roll to a new file (a file created
        // on the dispatch thread, the old one flushed to disk) every few seconds.
        storeConfig.setMaxHashSlotNum(250_000);
        storeConfig.setMaxIndexNum(1_000_000);
        // The timer wheel maps a 100 MB timer log and a wheel file, and runs a dozen threads.
        storeConfig.setTimerWheelEnable(false);
        storeConfig.setTransientStorePoolEnable(false);
        storeConfig.setWarmMapedFileEnable(false);
        // Likewise, a commit-log lock held over 1 s (a stalled CPU) would refuse writes as "page cache busy".
        storeConfig.setOsPageCacheBusyTimeOutMills(10_000);
        // OS-chosen HA port (the default is 10912, BrokerStartup would use listenPort + 1).
        storeConfig.setHaListenPort(0);

        // Port 0 for the main port; the fast (VIP) server's port is derived as listenPort - 2,
        // clamped to 0, so it is OS-chosen too. BrokerController writes the bound port back
        // before it registers.
        NettyServerConfig server = smallServerConfig();
        server.setListenPort(port);

        AuthConfig auth = new AuthConfig();
        // A cache key of RocketMQ's auth factories (statics): unique per start, so a restarted
        // broker does not get the providers of its previous, shut-down self.
        synchronized (lock) {
            auth.setConfigName(name + "#" + (++brokerStarts));
        }
        auth.setClusterName(clusterName);
        auth.setAuthConfigPath(store.resolve("config").toString());

        return new EmbeddedBroker(broker, server, new NettyClientConfig(), storeConfig, auth);
    }

    private static NettyServerConfig smallServerConfig() {
        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress(HOST);
        server.setListenPort(0);
        server.setServerWorkerThreads(2);
        server.setServerSelectorThreads(1);
        server.setServerCallbackExecutorThreads(2);
        return server;
    }

    /** {@code 127.0.0.1:port} of the NameServer: the clients' {@code namesrvAddr}. */
    public String nameServerAddress() {
        requireRunning();
        return nameServerAddress;
    }

    /** The cluster every broker belongs to. */
    public String clusterName() {
        return clusterName;
    }

    /** RocketMQ's request-reply topic of this cluster, {@code <cluster>_REPLY_TOPIC}. */
    public String replyTopic() {
        return MixAll.getReplyTopic(clusterName);
    }

    /** The brokers' names, in start order. */
    public List<String> brokerNames() {
        List<String> names = new ArrayList<>();
        for (BrokerController b : runningBrokers()) {
            names.add(b.getBrokerConfig().getBrokerName());
        }
        return Collections.unmodifiableList(names);
    }

    /** Broker name to {@code 127.0.0.1:port}, as advertised in routes. */
    public Map<String, String> brokerAddresses() {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (BrokerController b : runningBrokers()) {
            addresses.put(b.getBrokerConfig().getBrokerName(), b.getBrokerAddr());
        }
        return Collections.unmodifiableMap(addresses);
    }

    /** The instance's temporary directory (deleted by {@link #close()}). */
    public Path storeDirectory() {
        requireRunning();
        return storeDirectory;
    }

    /**
     * Creates (or updates) {@code topic} with {@code queues} read and write queues on every
     * broker, registers every broker with the NameServer at once, and returns when the
     * NameServer's route for the topic lists every broker.
     *
     * @throws IllegalArgumentException if the name is not a valid RocketMQ topic or
     *     {@code queues < 1}
     */
    public void createTopic(String topic, int queues) {
        createTopic(topic, queues, brokerNames());
    }

    /**
     * Creates (or updates) {@code topic} with {@code queues} read and write queues on the named
     * brokers only — e.g. a request topic on one broker of two, while the reply topic spans
     * both — and returns when the NameServer's route lists them.
     *
     * @throws IllegalArgumentException if the name is not a valid RocketMQ topic,
     *     {@code queues < 1}, or a name is not a running broker
     */
    public void createTopic(String topic, int queues, java.util.Collection<String> onBrokers) {
        List<BrokerController> targets = new ArrayList<>();
        for (String name : onBrokers) {
            targets.add(runningBrokers().stream().filter(b -> b.getBrokerConfig().getBrokerName().equals(name))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no running broker " + name)));
        }
        TopicValidator.ValidateResult valid = TopicValidator.validateTopic(topic);
        if (!valid.isValid()) {
            throw new IllegalArgumentException(valid.getRemark());
        }
        if (TopicValidator.isSystemTopic(topic)) {
            throw new IllegalArgumentException("system topic: " + topic);
        }
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be >= 1: " + queues);
        }
        for (BrokerController b : targets) {
            // One TopicConfig per broker: the manager keeps (and mutates) the instance.
            TopicConfig config = new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE);
            b.getTopicConfigManager().updateTopicConfig(config); // persists topics.json, bumps the data version
            // Synchronous (oneway=false) full registration; forceRegister skips the
            // "has anything changed?" round trip.
            b.registerBrokerAll(true, false, true);
        }
        awaitRoute(topic, START_ROUTE_TIMEOUT);
    }

    /**
     * Registers every broker with the NameServer now (synchronously) instead of on the next
     * periodic registration — e.g. after a topic was auto-created by a send.
     */
    public void registerBrokers() {
        for (BrokerController b : runningBrokers()) {
            b.registerBrokerAll(true, false, true);
        }
    }

    /**
     * Stops broker {@code name} as a broker restart or crash looks to clients — connections
     * closed, the broker gone from every route — while keeping its store (messages, consume
     * offsets, topics) for {@link #startBroker}.
     *
     * @throws IllegalArgumentException if no running broker has that name
     */
    public void stopBroker(String name) {
        BrokerController broker;
        Path dir;
        synchronized (lock) {
            requireRunning();
            broker = brokers.stream().filter(b -> b.getBrokerConfig().getBrokerName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no running broker " + name + "; running: " + names(brokers)));
            brokers.remove(broker);
            dir = storeDirectory.resolve(name);
            stopped.put(name, new StoppedBroker(dir, broker.getNettyServerConfig().getListenPort()));
        }
        ShutdownNudger nudger = new ShutdownNudger(List.of(broker), null);
        nudger.start();
        Thread stopper = new Thread(() -> quietly("broker " + name, broker::shutdown), "embedded-rocketmq-stop-" + name);
        nudger.watch(stopper);
        stopper.start();
        try {
            stopper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            nudger.finish();
        }
    }

    /**
     * Starts a broker stopped by {@link #stopBroker} again, on the same port and with the same
     * store, and returns once it is registered and in the reply topic's route (its own topics
     * are routed again by the same registration).
     *
     * @throws IllegalArgumentException if no stopped broker has that name
     * @throws IllegalStateException if it fails to start
     */
    public void startBroker(String name) {
        StoppedBroker slot;
        synchronized (lock) {
            requireRunning();
            slot = stopped.remove(name);
        }
        if (slot == null) {
            throw new IllegalArgumentException("no stopped broker " + name);
        }
        try {
            launchBroker(name, slot.directory(), slot.port());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("broker " + name + " failed to start again", e);
        }
        awaitRoute(replyTopic(), START_ROUTE_TIMEOUT);
    }

    /** {@link #stopBroker} then {@link #startBroker}. */
    public void restartBroker(String name) {
        stopBroker(name);
        startBroker(name);
    }

    /**
     * How many messages each running broker stored in {@code topic} (the sum of its queues' end
     * offsets), by broker name; brokers without the topic count 0. Read from the consume queues,
     * which a broker builds from its commit log a few milliseconds after a message is stored.
     */
    public Map<String, Long> messageCounts(String topic) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (BrokerController b : runningBrokers()) {
            TopicConfig config = b.getTopicConfigManager().selectTopicConfig(topic);
            long n = 0;
            if (config != null) {
                for (int q = 0; q < config.getWriteQueueNums(); q++) {
                    try {
                        n += Math.max(0, b.getMessageStore().getMaxOffsetInQueue(topic, q));
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot read queue " + q + " of " + topic, e);
                    }
                }
            }
            counts.put(b.getBrokerConfig().getBrokerName(), n);
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * Moves the consumed offsets of consumer group {@code group} on every queue of {@code topic}
     * back to the start, on every running broker: the group's next consumer receives every stored
     * message again, as after a consumer that died before its acknowledgements were stored. Call
     * it while no consumer of the group is online (an online one would store its own offsets over
     * these). A topic no running broker has changes nothing.
     *
     * @throws IllegalArgumentException if the group or the topic is null or blank
     */
    public void rewindConsumerGroup(String group, String topic) {
        if (group == null || group.isBlank() || topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a consumer group and a topic are needed, got '" + group + "', '"
                    + topic + "'");
        }
        for (BrokerController b : runningBrokers()) {
            TopicConfig config = b.getTopicConfigManager().selectTopicConfig(topic);
            if (config == null) {
                continue;
            }
            for (int q = 0; q < config.getWriteQueueNums(); q++) {
                b.getConsumerOffsetManager().commitOffset("embedded-rewind", group, topic, q, 0);
            }
        }
    }

    /**
     * Waits until the NameServer's route for {@code topic} lists every broker of this instance
     * that has the topic, with that broker's queue counts and address (and at least one broker
     * has it). Polls the NameServer's route table in-process every 10 ms; a broker that has the
     * topic but is missing from the route is asked to register again.
     *
     * @return the route, as the NameServer would return it to a client
     * @throws IllegalStateException on timeout, or if interrupted (the interrupt flag is kept)
     */
    public TopicRouteData awaitRoute(String topic, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextRegister = System.nanoTime() + REREGISTER_INTERVAL_NANOS;
        while (true) {
            NamesrvController ns = runningNameServer();
            TopicRouteData route = ns.getRouteInfoManager().pickupTopicRouteData(topic);
            List<BrokerController> missing = brokersMissingFrom(route, topic);
            if (missing.isEmpty() && route != null) {
                return route;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new IllegalStateException("no complete route for topic " + topic + " at the NameServer after "
                    + timeout.toMillis() + " ms; route=" + route + ", brokers missing=" + names(missing));
            }
            if (now - nextRegister >= 0) {
                for (BrokerController b : missing) {
                    b.registerBrokerAll(true, false, true);
                }
                nextRegister = now + REREGISTER_INTERVAL_NANOS;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the route of " + topic);
            }
        }
    }

    /**
     * Makes a started requester ready for request-reply on every broker, and waits until every
     * broker holds a live connection registered by it.
     *
     * <p>Why it matters: a reply is sent to {@code <cluster>_REPLY_TOPIC}, whose queues are
     * spread over every broker of the cluster, and whichever broker receives it pushes it to the
     * requester over the requester's own connection, found by the client id
     * ({@code IP@instanceName}) the requester's heartbeat registered there. A client heartbeats
     * only the brokers it knows from routes it has fetched — when it first requests on a topic,
     * then every 30 s. A broker that does not know the requester (e.g. one that does not host
     * the request topic) fails the replier's send ("push reply message fail, channel of
     * &lt;id&gt; not found"); a producer that retries ({@code retryTimesWhenSendFailed}, 2 by
     * default) then tries another broker, so the reply arrives late or, when no broker it
     * tries knows the requester, never.
     *
     * <p>So this loads the reply topic's route into the client (which also makes the client
     * refresh it every 30 s, keeping every broker in its heartbeat), heartbeats, and polls the
     * brokers' producer tables in-process.
     *
     * @throws IllegalStateException if the producer is not started, on timeout, or if
     *     interrupted (the interrupt flag is kept)
     */
    @SuppressWarnings("deprecation") // the producer's internals have no public replacement
    public void awaitRequester(DefaultMQProducer requester, Duration timeout) {
        MQClientInstance client = requester.getDefaultMQProducerImpl().getMqClientFactory();
        if (client == null) {
            throw new IllegalStateException("requester not started");
        }
        client.updateTopicRouteInfoFromNameServer(replyTopic());
        awaitReplyChannel(client.getClientId(), timeout, client::sendHeartbeatToAllBrokerWithLock);
    }

    /**
     * Waits until every broker holds a live connection registered (by a heartbeat) by the client
     * {@code clientId} — what a broker needs to push a reply to it. See
     * {@link #awaitRequester(DefaultMQProducer, Duration)}.
     *
     * @throws IllegalStateException on timeout, or if interrupted (the interrupt flag is kept)
     */
    public void awaitReplyChannel(String clientId, Duration timeout) {
        awaitReplyChannel(clientId, timeout, () -> { });
    }

    private void awaitReplyChannel(String clientId, Duration timeout, Runnable nudge) {
        Objects.requireNonNull(clientId, "clientId");
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextNudge = System.nanoTime();
        while (true) {
            List<String> missing = new ArrayList<>();
            for (BrokerController b : runningBrokers()) {
                Channel channel = b.getProducerManager().findChannel(clientId);
                if (channel == null || !channel.isActive()) {
                    missing.add(b.getBrokerConfig().getBrokerName());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw new IllegalStateException("client " + clientId + " has no registered connection to brokers "
                    + missing + " after " + timeout.toMillis() + " ms");
            }
            if (now - nextNudge >= 0) {
                nudge.run();
                nextNudge = now + Duration.ofMillis(200).toNanos();
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for client " + clientId);
            }
        }
    }

    /** Brokers that have {@code topic} locally but not (correctly) in {@code route}. */
    private List<BrokerController> brokersMissingFrom(TopicRouteData route, String topic) {
        List<BrokerController> missing = new ArrayList<>();
        boolean anyHasTopic = false;
        for (BrokerController b : runningBrokers()) {
            TopicConfig local = b.getTopicConfigManager().selectTopicConfig(topic);
            if (local == null) {
                continue;
            }
            anyHasTopic = true;
            if (!routeHas(route, b, local)) {
                missing.add(b);
            }
        }
        if (!anyHasTopic && route == null) {
            // Nobody has it yet (e.g. waiting for an auto-create): report as "not ready".
            missing.addAll(runningBrokers());
        }
        return missing;
    }

    private static boolean routeHas(TopicRouteData route, BrokerController broker, TopicConfig local) {
        if (route == null) {
            return false;
        }
        String name = broker.getBrokerConfig().getBrokerName();
        boolean queues = false;
        for (QueueData q : route.getQueueDatas()) {
            if (name.equals(q.getBrokerName())) {
                queues = q.getReadQueueNums() == local.getReadQueueNums()
                    && q.getWriteQueueNums() == local.getWriteQueueNums();
            }
        }
        if (!queues) {
            return false;
        }
        for (BrokerData bd : route.getBrokerDatas()) {
            if (name.equals(bd.getBrokerName())) {
                return broker.getBrokerAddr().equals(bd.getBrokerAddrs().get(MixAll.MASTER_ID));
            }
        }
        return false;
    }

    private static List<String> names(List<BrokerController> brokers) {
        List<String> names = new ArrayList<>();
        for (BrokerController b : brokers) {
            names.add(b.getBrokerConfig().getBrokerName());
        }
        return names;
    }

    private void requireRunning() {
        synchronized (lock) {
            if (!started || closed) {
                throw new IllegalStateException(closed ? "closed" : "not started");
            }
        }
    }

    private List<BrokerController> runningBrokers() {
        synchronized (lock) {
            requireRunning();
            return new ArrayList<>(brokers);
        }
    }

    private NamesrvController runningNameServer() {
        synchronized (lock) {
            requireRunning();
            return nameServer;
        }
    }

    /**
     * Shuts the brokers down (in parallel), then the NameServer, and deletes the temporary
     * directory and the brokers' RocksDB info logs (see {@code RocksDbInfoLogs}). Takes about a
     * second instead of RocketMQ's 10-15 (see {@code ShutdownNudger}). Idempotent; never throws
     * for a component that fails to stop (the failure goes to stderr). Shut the clients down
     * first: they otherwise log failed pulls and heartbeats until they stop.
     */
    @Override
    public void close() {
        List<BrokerController> toStop;
        NamesrvController ns;
        Path dir;
        Thread hook;
        boolean[] logDirsBefore;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(brokers);
            brokers.clear();
            ns = nameServer;
            nameServer = null;
            dir = storeDirectory;
            logDirsBefore = userLogDirs;
            hook = shutdownHook;
            shutdownHook = null;
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to: it finds closed == true and returns
            }
        }

        ShutdownNudger nudger = new ShutdownNudger(toStop, ns);
        nudger.start();
        List<Thread> stoppers = new ArrayList<>();
        for (BrokerController b : toStop) {
            Thread t = new Thread(() -> quietly("broker " + b.getBrokerConfig().getBrokerName(), b::shutdown),
                "embedded-rocketmq-stop-" + b.getBrokerConfig().getBrokerName());
            stoppers.add(t);
            nudger.watch(t);
            t.start();
        }
        boolean interrupted = false;
        for (Thread t : stoppers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (ns != null) {
            quietly("NameServer", ns::shutdown);
        }
        nudger.finish();
        if (dir != null) {
            try {
                deleteRecursively(dir);
            } catch (IOException | UncheckedIOException e) {
                System.err.println("EmbeddedRocketMq: could not delete " + dir + ": " + e);
            }
            RocksDbInfoLogs.delete(dir, logDirsBefore);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Makes RocketMQ's remoting servers and clients stop in milliseconds instead of seconds.
     *
     * <p>Each of them runs a {@code NettyEventExecutor} service thread that polls its event queue
     * with a 3 s timeout and checks its "stopped" flag only between polls, and its shutdown joins
     * that thread: up to 3 s per server or client, sequentially — about 9 s per broker (two
     * servers and a client) and 6 s for the NameServer. While the cluster shuts down, this thread
     * feeds every executor a CONNECT event with no channel every 20 ms, so a poll returns at once
     * and sees the flag. The listeners ignore it ({@code BrokerHousekeepingService}) or only
     * count it ({@code ClientHousekeepingService}); clients have no listener.
     *
     * <p>It also cuts the fixed {@code Thread.sleep(3000)} in {@code DefaultMessageStore.shutdown()}
     * (after the store's schedulers have terminated, to let in-flight writes settle — moot for a
     * store about to be deleted) by interrupting a broker-stopping thread seen in exactly that
     * sleep; the store catches the interrupt and carries on.
     */
    private static final class ShutdownNudger extends Thread {
        private final List<NettyRemotingAbstract> remotings = new ArrayList<>();
        private final List<Thread> watched = new CopyOnWriteArrayList<>();
        private volatile boolean done;

        ShutdownNudger(List<BrokerController> brokers, NamesrvController ns) {
            super("embedded-rocketmq-shutdown");
            setDaemon(true);
            for (BrokerController b : brokers) {
                add(b.getRemotingServer());
                add(b.getFastRemotingServer());
                if (b.getBrokerOuterAPI() != null) {
                    add(b.getBrokerOuterAPI().getRemotingClient());
                }
            }
            if (ns != null) {
                add(ns.getRemotingServer());
                add(ns.getRemotingClient());
            }
        }

        private void add(Object remoting) {
            if (remoting instanceof NettyRemotingAbstract r) {
                remotings.add(r);
            }
        }

        void watch(Thread stopper) {
            watched.add(stopper);
        }

        @Override
        public void run() {
            while (!done) {
                for (NettyRemotingAbstract r : remotings) {
                    r.putNettyEvent(new NettyEvent(NettyEventType.CONNECT, "", null));
                }
                for (Thread t : watched) {
                    if (inStoreShutdownSleep(t)) {
                        t.interrupt();
                        watched.remove(t);
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }

        private static boolean inStoreShutdownSleep(Thread t) {
            StackTraceElement[] stack = t.getStackTrace();
            int i = 0;
            while (i < stack.length && Thread.class.getName().equals(stack[i].getClassName())) {
                i++; // Thread.sleep, and Thread.sleep0 / sleepNanos on newer JDKs
            }
            return i > 0 && i < stack.length
                && stack[i - 1].getMethodName().startsWith("sleep")
                && STORE_CLASS.equals(stack[i].getClassName())
                && "shutdown".equals(stack[i].getMethodName());
        }

        void finish() {
            done = true;
        }
    }

    /** Where a stopped broker lived, to start it again. */
    private record StoppedBroker(Path directory, int port) {
    }

    /**
     * A broker whose "fast" (VIP) server listens on an OS-chosen port. RocketMQ derives that
     * port as {@code listenPort - 2}: 0 on the first start (port 0), but a port that may be
     * taken when a broker starts again on its previous, known port.
     */
    private static final class EmbeddedBroker extends BrokerController {
        EmbeddedBroker(BrokerConfig brokerConfig, NettyServerConfig nettyServerConfig, NettyClientConfig nettyClientConfig,
                       MessageStoreConfig messageStoreConfig, AuthConfig authConfig) {
            super(brokerConfig, nettyServerConfig, nettyClientConfig, messageStoreConfig, authConfig);
        }

        @Override
        protected void initializeRemotingServer() throws CloneNotSupportedException {
            super.initializeRemotingServer();
            if (getNettyServerConfig().getListenPort() == 0) {
                return;
            }
            RemotingServer derived = getFastRemotingServer();
            NettyServerConfig fast = (NettyServerConfig) getNettyServerConfig().clone();
            fast.setListenPort(0);
            NettyRemotingServer replacement = new NettyRemotingServer(fast, getClientHousekeepingService());
            if (getBrokerMetricsManager() != null) {
                replacement.setRemotingMetricsManager(getBrokerMetricsManager().getRemotingMetricsManager());
            }
            setFastRemotingServer(replacement);
            derived.shutdown(); // never started: only releases its event loops
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.err.println("EmbeddedRocketMq: failed to stop " + what + ": " + e);
        }
    }

    /**
     * Deletes {@code root}; retried because a store service that is still winding down may
     * write one last file (checkpoint, offsets) while the tree is walked.
     */
    static void deleteRecursively(Path root) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20 && Files.exists(root); attempt++) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        if (e != null && !(e instanceof NoSuchFileException)) {
                            throw e;
                        }
                        Files.deleteIfExists(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (DirectoryNotEmptyException racing) {
                last = racing;
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
        if (last != null && Files.exists(root)) {
            throw last;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRocketMq[cluster=" + clusterName + ", brokers=" + brokerCount
            + (nameServerAddress == null ? "" : ", namesrv=" + nameServerAddress) + "]";
    }

    /** Settings of an {@link EmbeddedRocketMq}; every setting has a default. */
    public static final class Builder {
        private int brokers = 1;
        private String clusterName = "DefaultCluster";
        private boolean autoCreateTopics = true;
        private int defaultTopicQueues = 4;
        private Path parentDirectory;

        private Builder() {
        }

        /** Number of master brokers in the cluster (default 1). */
        public Builder brokers(int brokers) {
            if (brokers < 1) {
                throw new IllegalArgumentException("brokers must be >= 1: " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        /**
         * The cluster name (default {@code DefaultCluster}, RocketMQ's own default). It names the
         * reply topic, {@code <cluster>_REPLY_TOPIC}.
         */
        public Builder clusterName(String clusterName) {
            TopicValidator.ValidateResult valid = TopicValidator.validateTopic(Objects.requireNonNull(clusterName));
            if (!valid.isValid()) {
                throw new IllegalArgumentException("cluster name must be a valid topic name: " + valid.getRemark());
            }
            this.clusterName = clusterName;
            return this;
        }

        /**
         * Whether a send to an unknown topic creates it on the receiving broker (default true,
         * convenient in development). An auto-created topic exists only on the brokers that got
         * a send, and reaches the NameServer on that broker's registration.
         */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        /** Queues per broker of an auto-created topic (default 4). */
        public Builder defaultTopicQueues(int queues) {
            if (queues < 1) {
                throw new IllegalArgumentException("queues must be >= 1: " + queues);
            }
            this.defaultTopicQueues = queues;
            return this;
        }

        /** Where the temporary directory is created (default {@code java.io.tmpdir}). */
        public Builder parentDirectory(Path parentDirectory) {
            this.parentDirectory = Objects.requireNonNull(parentDirectory);
            return this;
        }

        /** A new, not yet started instance. */
        public EmbeddedRocketMq build() {
            return new EmbeddedRocketMq(this);
        }
    }
}
