package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one RocketMQ client of a protocol instance: a producer that sends requests and replies,
 * and the client instance ({@code MQClientInstance}: connections, heartbeats, route polling)
 * that it shares with every provider's push consumer. Sharing one client id means one set of
 * connections and one shutdown; a distinct instance name per protocol keeps two protocols in
 * one JVM apart, since replies are pushed to a client id ({@code IP@instanceName}).
 */
final class RocketMqClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocketMqClient.class);
    /** How often requests stranded on closed connections are failed: RocketMQ's own timeout scan runs as often. */
    private static final long STRANDED_SWEEP_MILLIS = 1000;

    private final RocketMqProtocolConfig config;
    private final String instanceName = "ferry-" + UUID.randomUUID();
    private final DefaultMQProducer producer;
    private final RequestBatcher batcher;
    private final MQClientInstance instance;
    private final TopicRoutes routes;
    private final StrandedRequests stranded;

    @SuppressWarnings("deprecation") // the client instance has no public accessor
    RocketMqClient(RocketMqProtocolConfig config) {
        this.config = config;
        // The producer is created first, so its hook serves the whole client instance.
        this.producer = new DefaultMQProducer("ferry_producer", config.binaryHeaders() ? new BinaryHeaders() : null);
        configure(producer);
        producer.setMaxMessageSize(config.payloadLimit() + 64 * 1024);
        // A request that cannot be sent is retried by the cluster strategy, on another broker.
        producer.setRetryTimesWhenSendAsyncFailed(0);
        // An asynchronous send is handed to Netty on the sending thread, as a request's is, not
        // queued to another thread first.
        producer.setAsyncSenderExecutor(new SendingThread());
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("cannot start the RocketMQ client against NameServer "
                    + config.nameServer() + ": " + e.getMessage(), e);
        }
        this.batcher = new RequestBatcher(producer, config.sendsInFlight());
        this.instance = producer.getDefaultMQProducerImpl().getMqClientFactory();
        this.routes = new TopicRoutes(instance, config.discoveryInterval());
        this.stranded = new StrandedRequests(instance.getMQClientAPIImpl().getRemotingClient());
        sweepStrandedRequests();
    }

    private void sweepStrandedRequests() {
        routes.later(() -> {
            try {
                int n = stranded.sweep();
                if (n > 0) {
                    log.info("failed the requests still waiting on {} closed broker connection(s)", n);
                }
            } catch (RuntimeException e) {
                log.warn("requests on closed broker connections not swept: {}", e.toString());
            }
            sweepStrandedRequests();
        }, STRANDED_SWEEP_MILLIS);
    }

    /** Gives a client of this protocol the shared client id and the discovery cadence. */
    void configure(ClientConfig client) {
        client.setNamesrvAddr(config.nameServer());
        client.setInstanceName(instanceName);
        int interval = (int) config.discoveryInterval().toMillis();
        client.setPollNameServerInterval(interval);
        client.setHeartbeatBrokerInterval(interval);
    }

    /** A push consumer in {@code group} on this client. */
    DefaultMQPushConsumer newConsumer(String group) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        configure(consumer);
        return consumer;
    }

    DefaultMQProducer producer() {
        return producer;
    }

    /** Sends requests, in batches while earlier sends are unacknowledged. */
    RequestBatcher batcher() {
        return batcher;
    }

    MQClientInstance instance() {
        return instance;
    }

    TopicRoutes routes() {
        return routes;
    }

    /** {@code IP@instanceName}: where brokers push this client's replies. */
    String clientId() {
        return instance.getClientId();
    }

    String instanceName() {
        return instanceName;
    }

    /** Runs each task on the thread that submits it. */
    private static final class SendingThread extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Shuts the producer (and with it the shared client instance) down, after the consumers. */
    @Override
    public void close() {
        routes.close();
        ClientShutdown.run(instance, producer::shutdown);
    }
}
