package dev.ferry.protocol.rocketmq;

import java.util.Objects;

/**
 * Settings of the RocketMQ transport.
 *
 * @param nameServer     NameServer address list, {@code host:port;host:port}
 * @param queuesPerTopic read and write queues of a request topic Ferry creates
 * @param consumeThreads provider threads running calls per service (RocketMQ's consume pool)
 * @param payloadLimit   largest frame accepted or produced; the broker's own default message
 *                       limit is 4 MiB
 * @param createTopics   whether exporting a service creates its request topic (off where
 *                       operators create topics with {@code mqadmin updateTopic})
 */
public record RocketMqProtocolConfig(String nameServer, int queuesPerTopic, int consumeThreads,
                                     int payloadLimit, boolean createTopics) {

    public static final int DEFAULT_QUEUES = 4;
    public static final int DEFAULT_CONSUME_THREADS = 16;
    public static final int DEFAULT_PAYLOAD_LIMIT = 4 * 1024 * 1024;

    public RocketMqProtocolConfig {
        Objects.requireNonNull(nameServer, "nameServer");
        if (nameServer.isBlank()) {
            throw new IllegalArgumentException("NameServer address is blank");
        }
        for (String addr : nameServer.split(";")) {
            int colon = addr.lastIndexOf(':');
            if (colon <= 0 || colon == addr.length() - 1) {
                throw new IllegalArgumentException("NameServer address '" + addr + "' is not host:port");
            }
            try {
                int port = Integer.parseInt(addr.substring(colon + 1).trim());
                if (port <= 0 || port > 65535) {
                    throw new IllegalArgumentException("NameServer address '" + addr + "' has a port out of range");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("NameServer address '" + addr + "' has a non-numeric port");
            }
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
    }

    /** Defaults for everything but the NameServer address. */
    public static RocketMqProtocolConfig of(String nameServer) {
        return new RocketMqProtocolConfig(nameServer, DEFAULT_QUEUES, DEFAULT_CONSUME_THREADS, DEFAULT_PAYLOAD_LIMIT, true);
    }

    /** The NameServer address named by the {@code ferry.rocketmq.namesrv} system property or {@code ROCKETMQ_NAMESRV_ADDR}. */
    static RocketMqProtocolConfig fromEnvironment() {
        String addr = System.getProperty("ferry.rocketmq.namesrv", System.getenv("ROCKETMQ_NAMESRV_ADDR"));
        return of(addr == null ? "127.0.0.1:9876" : addr);
    }
}
