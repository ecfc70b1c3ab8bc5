package dev.ferry.protocol.dubbo;

import dev.ferry.core.codec.DubboCodec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Objects;

/**
 * Settings of one {@link DubboProtocol} instance: where its server binds, what it tells
 * consumers, its size limits and its thread pools. Immutable; build one with
 * {@link #builder()}, every setter rejecting nonsense at once with an
 * {@link IllegalArgumentException}.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>host</td><td>{@code 0.0.0.0} (all interfaces)</td></tr>
 *   <tr><td>advertisedHost</td><td>{@code 127.0.0.1} when bound to loopback, else the bound address, else the
 *       first non-loopback IPv4 address of the machine</td></tr>
 *   <tr><td>port</td><td>{@value #DEFAULT_PORT}; {@code 0} picks a free port</td></tr>
 *   <tr><td>payloadLimit</td><td>8 MiB ({@link DubboCodec#DEFAULT_PAYLOAD_LIMIT})</td></tr>
 *   <tr><td>ioThreads</td><td>processors + 1, at most 32</td></tr>
 *   <tr><td>businessThreads</td><td>{@value #DEFAULT_BUSINESS_THREADS}</td></tr>
 *   <tr><td>businessQueue</td><td>{@value #DEFAULT_BUSINESS_QUEUE} (no queue: a full pool answers
 *       {@code THREADPOOL_EXHAUSTED} at once, as Dubbo's fixed pool does)</td></tr>
 *   <tr><td>connections</td><td>{@value #DEFAULT_CONNECTIONS} shared connection per provider address</td></tr>
 *   <tr><td>connectTimeout</td><td>3 s</td></tr>
 *   <tr><td>heartbeatInterval</td><td>60 s; a connection silent for three intervals is closed</td></tr>
 *   <tr><td>reconnectInterval</td><td>2 s before the first attempt to restore a lost client connection,
 *       doubling after each failed attempt up to maxReconnectInterval</td></tr>
 *   <tr><td>maxReconnectInterval</td><td>30 s</td></tr>
 *   <tr><td>shutdownTimeout</td><td>3 s for calls in flight to finish when the protocol closes (consumers
 *       are told first, with Dubbo's read-only event, so they stop sending)</td></tr>
 * </table>
 */
public final class DubboProtocolConfig {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 20880;
    public static final int DEFAULT_BUSINESS_THREADS = 200;
    public static final int DEFAULT_BUSINESS_QUEUE = 0;
    public static final int DEFAULT_CONNECTIONS = 1;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MAX_RECONNECT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

    private static final int MAX_THREADS = 10_000;
    private static final int MAX_CONNECTIONS = 64;

    private final String host;
    private final String advertisedHost;
    private final String explicitAdvertisedHost;
    private final int port;
    private final int payloadLimit;
    private final int ioThreads;
    private final int businessThreads;
    private final int businessQueue;
    private final int connections;
    private final Duration connectTimeout;
    private final Duration heartbeatInterval;
    private final Duration reconnectInterval;
    private final Duration maxReconnectInterval;
    private final Duration shutdownTimeout;

    private DubboProtocolConfig(Builder b) {
        this.host = b.host;
        this.explicitAdvertisedHost = b.advertisedHost;
        this.advertisedHost = b.advertisedHost != null ? b.advertisedHost : advertisedHostFor(b.host);
        this.port = b.port;
        this.payloadLimit = b.payloadLimit;
        this.ioThreads = b.ioThreads;
        this.businessThreads = b.businessThreads;
        this.businessQueue = b.businessQueue;
        this.connections = b.connections;
        this.connectTimeout = b.connectTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.reconnectInterval = b.reconnectInterval;
        this.maxReconnectInterval = b.maxReconnectInterval.compareTo(b.reconnectInterval) < 0
                ? b.reconnectInterval : b.maxReconnectInterval;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default. */
    public static DubboProtocolConfig defaults() {
        return builder().build();
    }

    /** Address the server binds to. */
    public String host() {
        return host;
    }

    /** Host put in exported endpoints: what consumers connect to. */
    public String advertisedHost() {
        return advertisedHost;
    }

    /** Port the server binds to; 0 means a free port chosen at bind time. */
    public int port() {
        return port;
    }

    /** Largest frame body accepted or produced, in bytes. */
    public int payloadLimit() {
        return payloadLimit;
    }

    /** Netty event-loop threads shared by the server's connections and the client connections. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Threads that run service methods. */
    public int businessThreads() {
        return businessThreads;
    }

    /** Requests that may wait for a business thread; 0 means none wait. */
    public int businessQueue() {
        return businessQueue;
    }

    /** Connections a client keeps to one provider address; calls are spread over them in turn. */
    public int connections() {
        return connections;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration reconnectInterval() {
        return reconnectInterval;
    }

    /** Longest wait between reconnect attempts; never shorter than {@link #reconnectInterval()}. */
    public Duration maxReconnectInterval() {
        return maxReconnectInterval;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.advertisedHost = explicitAdvertisedHost; // a derived one is derived again from the new host
        b.port = port;
        b.payloadLimit = payloadLimit;
        b.ioThreads = ioThreads;
        b.businessThreads = businessThreads;
        b.businessQueue = businessQueue;
        b.connections = connections;
        b.connectTimeout = connectTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.reconnectInterval = reconnectInterval;
        b.maxReconnectInterval = maxReconnectInterval;
        b.shutdownTimeout = shutdownTimeout;
        return b;
    }

    @Override
    public String toString() {
        return "DubboProtocolConfig{host=" + host + ", advertisedHost=" + advertisedHost + ", port=" + port
                + ", payloadLimit=" + payloadLimit + ", ioThreads=" + ioThreads + ", businessThreads="
                + businessThreads + ", businessQueue=" + businessQueue + ", connections=" + connections
                + ", connectTimeout=" + connectTimeout + ", heartbeatInterval=" + heartbeatInterval
                + ", reconnectInterval=" + reconnectInterval + ", maxReconnectInterval=" + maxReconnectInterval
                + ", shutdownTimeout=" + shutdownTimeout + "}";
    }

    static int defaultIoThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors() + 1, 32);
    }

    /**
     * What consumers should dial for a server bound to {@code bindHost}: loopback stays
     * loopback (so tests never leave the machine), a concrete address is itself, and the
     * wildcard becomes the machine's first non-loopback IPv4 address.
     */
    static String advertisedHostFor(String bindHost) {
        InetAddress bound;
        try {
            bound = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            return bindHost;
        }
        if (bound.isLoopbackAddress()) {
            return "127.0.0.1";
        }
        if (!bound.isAnyLocalAddress()) {
            return bound.getHostAddress();
        }
        try {
            Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces();
            while (nics != null && nics.hasMoreElements()) {
                NetworkInterface nic = nics.nextElement();
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                Enumeration<InetAddress> addresses = nic.getInetAddresses();
                while (addresses.hasMoreElements()) {
                    InetAddress a = addresses.nextElement();
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException ignored) {
            // No interface list: fall back to loopback, which at least works on this machine.
        }
        return "127.0.0.1";
    }

    /** Builds a {@link DubboProtocolConfig}. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private String advertisedHost;
        private int port = DEFAULT_PORT;
        private int payloadLimit = DubboCodec.DEFAULT_PAYLOAD_LIMIT;
        private int ioThreads = defaultIoThreads();
        private int businessThreads = DEFAULT_BUSINESS_THREADS;
        private int businessQueue = DEFAULT_BUSINESS_QUEUE;
        private int connections = DEFAULT_CONNECTIONS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
        private Duration maxReconnectInterval = DEFAULT_MAX_RECONNECT_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

        private Builder() {
        }

        /** Address to bind; {@code 0.0.0.0} for all interfaces. */
        public Builder host(String host) {
            this.host = requireHost("host", host);
            return this;
        }

        /** Host to publish in endpoints; null derives it from the bind host. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost == null ? null : requireHost("advertised host", advertisedHost);
            return this;
        }

        /** Port to bind, 0..65535; 0 picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535 (0 picks a free port): " + port);
            }
            this.port = port;
            return this;
        }

        /** Largest frame body in bytes, positive. */
        public Builder payloadLimit(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("payload limit must be positive: " + bytes);
            }
            this.payloadLimit = bytes;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads("I/O threads", threads);
            return this;
        }

        public Builder businessThreads(int threads) {
            this.businessThreads = threads("business threads", threads);
            return this;
        }

        /** Requests that may wait for a busy pool, 0 or more; the queue is always bounded. */
        public Builder businessQueue(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("business queue capacity must be 0 or more: " + capacity);
            }
            this.businessQueue = capacity;
            return this;
        }

        /** Connections per provider address, 1..{@value #MAX_CONNECTIONS}. */
        public Builder connections(int count) {
            if (count <= 0 || count > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("connections per address must be 1.." + MAX_CONNECTIONS + ": " + count);
            }
            this.connections = count;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            Duration d = positive("connect timeout", timeout);
            if (d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connect timeout is too long: " + d);
            }
            this.connectTimeout = d;
            return this;
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive("heartbeat interval", interval);
            return this;
        }

        public Builder reconnectInterval(Duration interval) {
            this.reconnectInterval = positive("reconnect interval", interval);
            return this;
        }

        /** Cap of the doubling wait between reconnect attempts. */
        public Builder maxReconnectInterval(Duration interval) {
            this.maxReconnectInterval = positive("max reconnect interval", interval);
            return this;
        }

        /** How long closing waits for calls in flight; zero closes at once. */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdown timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdown timeout is negative: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        public DubboProtocolConfig build() {
            return new DubboProtocolConfig(this);
        }

        private static String requireHost(String what, String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException(what + " is blank");
            }
            String h = host.trim();
            if (h.contains("/") || h.contains("?") || h.contains(" ")) {
                throw new IllegalArgumentException(what + " '" + host + "' is not a host name or IP literal");
            }
            return h;
        }

        private static int threads(String what, int n) {
            if (n <= 0 || n > MAX_THREADS) {
                throw new IllegalArgumentException(what + " must be 1.." + MAX_THREADS + ": " + n);
            }
            return n;
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
