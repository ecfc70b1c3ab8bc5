package dev.ferry.protocol.rocketmq;

import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.protocol.rocketmq.embedded.ConsumerReadiness;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider side of one service: a push consumer in the service's provider group. A call is
 * acknowledged to the broker only after its reply has been sent, so a provider that dies
 * mid-call leaves the message to be redelivered to another. A call whose deadline passed
 * before it ran is dropped, since RocketMQ never enforces a message's time to live.
 */
final class RocketMqProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocketMqProvider.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final RocketMqProtocolConfig config;
    private final ServiceKey key;
    private final String topic;
    private final DubboCodec codec;
    private final ExportedServices services;
    private final DefaultMQProducer replier;
    private final DefaultMQPushConsumer consumer;
    private final AtomicLong expired = new AtomicLong();

    RocketMqProvider(RocketMqProtocolConfig config, ServiceKey key, DubboCodec codec, ExportedServices services,
                     DefaultMQProducer replier, String tag) {
        this.config = config;
        this.key = key;
        this.topic = TopicNames.topic(key);
        this.codec = codec;
        this.services = services;
        this.replier = replier;
        this.consumer = new DefaultMQPushConsumer(TopicNames.providerGroup(key));
        consumer.setNamesrvAddr(config.nameServer());
        consumer.setInstanceName("ferry-provider-" + UUID.randomUUID());
        consumer.setConsumeThreadMin(config.consumeThreads());
        consumer.setConsumeThreadMax(config.consumeThreads());
        consumer.setConsumeMessageBatchMaxSize(1);
        // A new group starts at the end of the queue, but the broker serves a queue that was
        // never trimmed from its first message: calls sent before any provider ran are kept.
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
    }

    void start() {
        if (config.createTopics()) {
            createTopic();
        }
        try {
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((List<MessageExt> msgs, org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext ctx) -> {
                for (MessageExt m : msgs) {
                    handle(m);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("cannot start the RocketMQ provider of " + key + " on topic " + topic
                    + " (NameServer " + config.nameServer() + "): " + e.getMessage(), e);
        }
        // Exported means ready: wait until this consumer holds its queues instead of letting the
        // first calls wait for the next periodic rebalance.
        if (ConsumerReadiness.await(consumer, topic, READY_TIMEOUT).isEmpty()) {
            log.warn("provider of {} holds no queue of {} yet; calls wait in the broker until it does", key, topic);
        }
        log.info("serving {} from RocketMQ topic {} as group {}", key, topic, consumer.getConsumerGroup());
    }

    private void createTopic() {
        try {
            replier.createTopic(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, topic, config.queuesPerTopic(), Map.of());
        } catch (MQClientException e) {
            log.warn("could not create topic {} ({}); if the brokers do not auto-create topics, create it with: "
                    + "mqadmin updateTopic -n {} -c <cluster> -t {} -r {} -w {}", topic, e.getMessage(),
                    config.nameServer(), topic, config.queuesPerTopic(), config.queuesPerTopic());
        }
    }

    private void handle(MessageExt msg) {
        String deadline = msg.getUserProperty(MessageProperties.DEADLINE);
        long remaining = Long.MAX_VALUE;
        if (deadline != null) {
            try {
                remaining = Long.parseLong(deadline) - System.currentTimeMillis();
            } catch (NumberFormatException ignored) {
                // A malformed deadline is treated as none: the call still runs.
            }
        }
        if (remaining <= 0) {
            long n = expired.incrementAndGet();
            log.debug("dropped call {} of {}: its deadline passed {} ms ago ({} dropped so far)",
                    msg.getKeys(), key, -remaining, n);
            return;
        }
        Message decoded;
        try {
            decoded = codec.decode(new ByteArrayInputStream(msg.getBody()), services);
        } catch (CodecException e) {
            log.warn("request {} on {} does not decode: {}", msg.getKeys(), topic, e.getMessage());
            if (e.twoWay() && e.requestId() != CodecException.UNKNOWN_ID) {
                reply(msg, Response.error(e.requestId(), serializationOf(msg), e.code(), e.getMessage()));
            }
            return;
        } catch (IOException | RuntimeException e) {
            log.warn("request {} on {} does not decode: {}", msg.getKeys(), topic, e.toString());
            return;
        }
        if (!(decoded instanceof Request request) || request.event()) {
            return;
        }
        Response response;
        try {
            response = services.dispatch(request).get(Math.min(remaining, TimeUnit.DAYS.toMillis(1)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response = Response.error(request.id(), request.serializationId(), Code.SERVER_TIMEOUT,
                    "provider ran past the caller's deadline on " + key + "#" + request.invocation().methodName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            response = Response.error(request.id(), request.serializationId(), Code.SERVER_ERROR, String.valueOf(e.getCause()));
        }
        if (request.twoWay()) {
            reply(msg, response);
        }
    }

    private static byte serializationOf(MessageExt msg) {
        byte[] b = msg.getBody();
        return b != null && b.length > 2 ? (byte) (b[2] & 0x1f) : 2;
    }

    private void reply(MessageExt request, Response response) {
        byte[] body;
        try {
            body = encode(response);
        } catch (IOException | RuntimeException e) {
            // The result cannot travel (too large, not serializable): the caller still hears why.
            Code code = e instanceof CodecException c ? c.code() : Code.SERVER_ERROR;
            try {
                body = encode(Response.error(response.id(), response.serializationId(), code,
                        "provider could not encode the reply of " + key + ": " + e.getMessage()));
            } catch (IOException | RuntimeException again) {
                log.error("cannot encode even an error reply for {}: {}", request.getKeys(), again.toString());
                return;
            }
        }
        try {
            replier.send(MessageUtil.createReplyMessage(request, body));
        } catch (Exception e) {
            log.warn("reply to {} on {} could not be sent: {}", request.getKeys(), topic, e.toString());
        }
    }

    private byte[] encode(Response response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        codec.encode(response, out);
        return out.toByteArray();
    }

    /** Calls dropped because their deadline had passed. */
    long expiredCount() {
        return expired.get();
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
