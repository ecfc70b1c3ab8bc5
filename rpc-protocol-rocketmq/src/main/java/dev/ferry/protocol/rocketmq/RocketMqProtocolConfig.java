package dev.ferry.protocol.rocketmq;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the RocketMQ transport. Build with {@link #of(String)} (defaults for everything
 * but the NameServer) or {@link #builder(String)}.
 *
 * @param nameServer         NameServer address list, {@code host:port;host:port}
 * @param queuesPerTopic     read and write queues per broker of a request topic Ferry creates
 *                           (default 4)
 * @param consumeThreads     provider threads running calls, per exported service (default 16);
 *                           also the most calls one provider runs at once, since a call holds
 *                           its thread until its reply is sent
 * @param payloadLimit       largest frame accepted or produced (default 4 MiB, the broker's own
 *                           default message limit)
 * @param createTopics       whether exporting a service creates its request topic on every
 *                           master broker of the cluster (default true); off where operators
 *                           create topics with {@code mqadmin updateTopic}: an export then fails
 *                           at once if the topic does not exist
 * @param discoveryInterval  how often routes (brokers carrying a topic), the presence of tagged
 *                           providers and the client's broker heartbeats are refreshed
 *                           (default 5 s; RocketMQ's own client default is 30 s)
 * @param recentRequests     how many recently answered requests a provider remembers, so a
 *                           redelivered request is answered from its stored reply instead of
 *                           running twice (default 10,000)
 * @param recentReplyBytes   the most reply bytes that memory may hold (default 64 MiB); the
 *                           oldest entries go first
 * @param shutdownWait       how long closing a provider waits for calls in progress to finish
 *                           and reply (default 5 s); calls still running then are redelivered
 *                           to another provider
 * @param binaryHeaders      whether Ferry's clients send remoting headers in RocketMQ's binary
 *                           encoding (serialize type {@code ROCKETMQ}, read by every broker)
 *                           rather than the client default, JSON (default true: cheaper for
 *                           messages with properties); off for a proxy that reads JSON only
 * @param busyPullPause      the longest a provider waits before pulling a queue again, after a
 *                           pull that returned requests, while it has fetched more requests than
 *                           it has consume threads (default 5 ms; zero pulls again at once, as
 *                           RocketMQ does). It waits about as long as the requests already
 *                           waiting keep its threads busy (their number times the mean time
 *                           between starts, at least 1 ms): the requests that arrive meanwhile
 *                           come in one pull instead of one pull each, and none of them waits
 *                           longer; without such a backlog pulls are never paused
 * @param sendsInFlight      0 (default): every request is sent at once. Otherwise, how many
 *                           sends to one queue of a service's topic may await the broker's
 *                           acknowledgement at once; requests made meanwhile wait and go in the
 *                           next send, together, as one batch the broker stores as separate
 *                           messages. A request waits only while earlier sends are in flight,
 *                           never for company: fewer broker round trips for many concurrent
 *                           callers, at the cost of that wait
 */
public record RocketMqProtocolConfig(String nameServer, int queuesPerTopic, int consumeThreads, int payloadLimit,
                                     boolean createTopics, Duration discoveryInterval, int recentRequests,
                                     long recentReplyBytes, Duration shutdownWait, boolean binaryHeaders,
                                     Duration busyPullPause, int sendsInFlight) {

    public static final int DEFAULT_QUEUES = 4;
    public static final int DEFAULT_CONSUME_THREADS = 16;
    public static final int DEFAULT_PAYLOAD_LIMIT = 4 * 1024 * 1024;
    public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_RECENT_REQUESTS = 10_000;
    public static final long DEFAULT_RECENT_REPLY_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_SHUTDOWN_WAIT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BUSY_PULL_PAUSE = Duration.ofMillis(5);
    public static final int DEFAULT_SENDS_IN_FLIGHT = 0;

    public RocketMqProtocolConfig {
        Objects.requireNonNull(nameServer, "nameServer");
        if (nameServer.isBlank()) {
            throw new IllegalArgumentException("NameServer address is blank");
        }
        for (String addr : nameServer.split(";", -1)) {
            checkAddress(addr);
        }
        if (queuesPerTopic < 1 || queuesPerTopic > 1024) {
            throw new IllegalArgumentException("queuesPerTopic must be 1..1024: " + queuesPerTopic);
        }
        if (consumeThreads < 1 || consumeThreads > 1000) {
            throw new IllegalArgumentException("consumeThreads must be 1..1000: " + consumeThreads);
        }
        if (payloadLimit < 1024) {
            throw new IllegalArgumentException("payloadLimit must be at least 1024 bytes: " + payloadLimit);
        }
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        if (discoveryInterval.toMillis() < 100 || discoveryInterval.toMinutes() > 10) {
            throw new IllegalArgumentException("discoveryInterval must be 100 ms..10 min: " + discoveryInterval);
        }
        if (recentRequests < 0 || recentRequests > 10_000_000) {
            throw new IllegalArgumentException("recentRequests must be 0..10,000,000: " + recentRequests);
        }
        if (recentReplyBytes < 0) {
            throw new IllegalArgumentException("recentReplyBytes is negative: " + recentReplyBytes);
        }
        Objects.requireNonNull(shutdownWait, "shutdownWait");
        if (shutdownWait.isNegative() || shutdownWait.toMinutes() > 10) {
            throw new IllegalArgumentException("shutdownWait must be 0..10 min: " + shutdownWait);
        }
        Objects.requireNonNull(busyPullPause, "busyPullPause");
        // RocketMQ schedules pulls in whole milliseconds.
        if (busyPullPause.isNegative() || busyPullPause.toMillis() > 1000
                || busyPullPause.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("busyPullPause must be 0..1000 ms in whole milliseconds: " + busyPullPause);
        }
        if (sendsInFlight < 0 || sendsInFlight > 10_000) {
            throw new IllegalArgumentException("sendsInFlight must be 0..10000: " + sendsInFlight);
        }
    }

    private static void checkAddress(String addr) {
        String a = addr; // no trimming: RocketMQ splits the list on ';' and uses each part as it is
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1) {
            throw new IllegalArgumentException("NameServer address '" + addr + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("NameServer address '" + addr + "' has a non-numeric port");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("NameServer address '" + addr + "' has a port out of range");
        }
        String host = a.substring(0, colon);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':')) {
                throw new IllegalArgumentException("NameServer address '" + addr + "' has an invalid host");
            }
        }
    }

    /** Defaults for everything but the NameServer address. */
    public static RocketMqProtocolConfig of(String nameServer) {
        return builder(nameServer).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder(String nameServer) {
        return new Builder(nameServer);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(nameServer).queuesPerTopic(queuesPerTopic).consumeThreads(consumeThreads)
                .payloadLimit(payloadLimit).createTopics(createTopics).discoveryInterval(discoveryInterval)
                .recentRequests(recentRequests).recentReplyBytes(recentReplyBytes).shutdownWait(shutdownWait)
                .binaryHeaders(binaryHeaders).busyPullPause(busyPullPause).sendsInFlight(sendsInFlight);
    }

    /** The first NameServer address, {@code host:port}. */
    String firstNameServer() {
        return nameServer.split(";")[0].trim();
    }

    /** The NameServer named by the {@code ferry.rocketmq.namesrv} system property or {@code ROCKETMQ_NAMESRV_ADDR}. */
    static RocketMqProtocolConfig fromEnvironment() {
        String addr = System.getProperty("ferry.rocketmq.namesrv", System.getenv("ROCKETMQ_NAMESRV_ADDR"));
        return of(addr == null ? "127.0.0.1:9876" : addr);
    }

    /** Builds a {@link RocketMqProtocolConfig}; {@link #build()} validates every value. */
    public static final class Builder {
        private final String nameServer;
        private int queuesPerTopic = DEFAULT_QUEUES;
        private int consumeThreads = DEFAULT_CONSUME_THREADS;
        private int payloadLimit = DEFAULT_PAYLOAD_LIMIT;
        private boolean createTopics = true;
        private Duration discoveryInterval = DEFAULT_DISCOVERY_INTERVAL;
        private int recentRequests = DEFAULT_RECENT_REQUESTS;
        private long recentReplyBytes = DEFAULT_RECENT_REPLY_BYTES;
        private Duration shutdownWait = DEFAULT_SHUTDOWN_WAIT;
        private boolean binaryHeaders = true;
        private Duration busyPullPause = DEFAULT_BUSY_PULL_PAUSE;
        private int sendsInFlight = DEFAULT_SENDS_IN_FLIGHT;

        private Builder(String nameServer) {
            this.nameServer = nameServer;
        }

        public Builder queuesPerTopic(int queuesPerTopic) {
            this.queuesPerTopic = queuesPerTopic;
            return this;
        }

        public Builder consumeThreads(int consumeThreads) {
            this.consumeThreads = consumeThreads;
            return this;
        }

        public Builder payloadLimit(int payloadLimit) {
            this.payloadLimit = payloadLimit;
            return this;
        }

        public Builder createTopics(boolean createTopics) {
            this.createTopics = createTopics;
            return this;
        }

        public Builder discoveryInterval(Duration discoveryInterval) {
            this.discoveryInterval = discoveryInterval;
            return this;
        }

        public Builder recentRequests(int recentRequests) {
            this.recentRequests = recentRequests;
            return this;
        }

        public Builder recentReplyBytes(long recentReplyBytes) {
            this.recentReplyBytes = recentReplyBytes;
            return this;
        }

        public Builder shutdownWait(Duration shutdownWait) {
            this.shutdownWait = shutdownWait;
            return this;
        }

        public Builder binaryHeaders(boolean binaryHeaders) {
            this.binaryHeaders = binaryHeaders;
            return this;
        }

        public Builder busyPullPause(Duration busyPullPause) {
            this.busyPullPause = busyPullPause;
            return this;
        }

        public Builder sendsInFlight(int sendsInFlight) {
            this.sendsInFlight = sendsInFlight;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public RocketMqProtocolConfig build() {
            return new RocketMqProtocolConfig(nameServer, queuesPerTopic, consumeThreads, payloadLimit, createTopics,
                    discoveryInterval, recentRequests, recentReplyBytes, shutdownWait, binaryHeaders, busyPullPause,
                    sendsInFlight);
        }
    }
}
