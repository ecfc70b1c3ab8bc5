package dev.ferry.protocol.rocketmq;

import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.FrameHeader;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.protocol.rocketmq.embedded.ConsumerReadiness;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider side of one service: a push consumer in the service's provider group (one group
 * per tag), on the protocol's shared client.
 *
 * <ul>
 *   <li><b>Acknowledged after the reply.</b> A call holds one of the bounded consume threads
 *       until its reply is sent, and only then is it acknowledged; a provider that dies before
 *       that leaves the message unacknowledged, and the broker gives it to another provider. A
 *       reply that cannot be sent leaves the request to be redelivered a second later
 *       ({@code RECONSUME_LATER}).</li>
 *   <li><b>Deadlines.</b> A request whose deadline passed before it ran is dropped and counted
 *       (RocketMQ never enforces a message's time to live); one that runs past its deadline is
 *       acknowledged without a reply, since nobody waits for it.</li>
 *   <li><b>Once.</b> Recent requests are remembered by request key with their encoded reply
 *       ({@link RecentRequests}): a redelivered request is answered from memory, and one that
 *       arrives while its first delivery still runs waits for that run. A request this provider
 *       inherited from an earlier holder of its queue ({@link InheritedRequests}: a provider that
 *       died before its acknowledgement was stored) is first looked up among the replies the
 *       brokers store ({@link StoredReplies}) and answered from there when found.</li>
 * </ul>
 *
 * <p>Why concurrent, not orderly, consumption: orderly consumption runs one message per queue
 * at a time (4 queues: 4 calls at once), while calls are independent of each other.
 */
final class RocketMqProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocketMqProvider.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** How long an export waits for the providers that held its new queues to let them go. */
    private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(5);
    private static final long REPLY_TIMEOUT_MILLIS = 3000;
    private static final long NO_DEADLINE_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final int PREFETCH_PER_QUEUE = 64;
    private static final int PREFETCH_MIB_PER_QUEUE = 32;
    /** Delay level 1: the broker's first retry level, one second. */
    private static final int REDELIVER_DELAY_LEVEL = 1;

    private final RocketMqProtocolConfig config;
    private final ServiceKey key;
    private final String topic;
    private final String tag;
    private final DubboCodec codec;
    private final ExportedServices services;
    private final RocketMqClient client;
    private final DefaultMQPushConsumer consumer;
    private final RecentRequests recent;
    private final InheritedRequests inherited;
    private final StoredReplies storedReplies;
    private final PullPacing pacing;
    private volatile boolean closed;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong recovered = new AtomicLong();
    private final AtomicLong overran = new AtomicLong();
    private final AtomicLong replyFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    RocketMqProvider(RocketMqProtocolConfig config, ServiceKey key, String tag, DubboCodec codec,
                     ExportedServices services, RocketMqClient client) {
        this.config = config;
        this.key = key;
        this.topic = TopicNames.topic(key);
        this.tag = tag == null ? "" : tag;
        this.codec = codec;
        this.services = services;
        this.client = client;
        this.recent = new RecentRequests(config.recentRequests(), config.recentReplyBytes());
        this.consumer = client.newConsumer(TopicNames.providerGroup(key, this.tag));
        consumer.setConsumeThreadMin(config.consumeThreads());
        consumer.setConsumeThreadMax(config.consumeThreads());
        consumer.setConsumeMessageBatchMaxSize(1);
        // Messages fetched ahead of the consume threads, per queue. A queue has one provider, so
        // fetching ahead takes nothing from another instance; too low a bound stalls the queue
        // (RocketMQ pauses its pulls 50 ms each time it is reached), too high holds memory.
        consumer.setPullThresholdForQueue(Math.max(PREFETCH_PER_QUEUE, config.consumeThreads() * 4));
        consumer.setPullThresholdSizeForQueue(PREFETCH_MIB_PER_QUEUE);
        // A new group reads its queues from the start: calls sent before the first provider of
        // the service ever ran are answered (those past their deadline are dropped unread).
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setAwaitTerminationMillisWhenShutdown(config.shutdownWait().toMillis());
        this.pacing = new PullPacing(consumer, config.consumeThreads(), config.busyPullPause().toMillis());
        this.inherited = new InheritedRequests(consumer::maxOffset);
        this.storedReplies = new StoredReplies(client.instance().getMQAdminImpl());
        consumer.setMessageQueueListener((t, all, mine) -> {
            inherited.held(t, mine);
            // Each change of this consumer's queues bumps its subscription version; a broker that
            // missed the heartbeat carrying it refuses its pulls until the next one. Make sure one goes.
            confirmSubscription();
        });
    }

    void start() {
        TopicAdmin.ensure(client, config, topic);
        try {
            consumer.subscribe(topic, TopicNames.subscription(tag));
            consumer.registerMessageListener((MessageListenerConcurrently) this::consume);
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("cannot start the RocketMQ provider of " + key + " on topic " + topic
                    + " (NameServer " + config.nameServer() + "): " + e.getMessage(), e);
        }
        // Exported means ready: wait until this consumer holds its queues instead of letting the
        // first calls wait for the next periodic rebalance.
        Set<MessageQueue> held = ConsumerReadiness.await(consumer, topic, READY_TIMEOUT);
        if (held.isEmpty()) {
            log.warn("provider of {} holds no queue of {}: the group has more providers than the topic has queues",
                    key, topic);
        } else if (!ConsumerReadiness.awaitSoleHolder(consumer, topic, held, HANDOVER_TIMEOUT)) {
            // Until they let go, calls on those queues may reach both: the memory of recent
            // requests is per provider.
            log.info("providers of {} that held queues now given to this one have not let go yet", key);
        }
        log.info("serving {} from RocketMQ topic {} as group {}{}", key, topic, consumer.getConsumerGroup(),
                tag.isEmpty() ? "" : " (tag " + tag + ")");
    }

    private void confirmSubscription() {
        confirmSubscription(50);
    }

    /** Heartbeats until one goes out (another heartbeat may hold the client's lock), at most {@code tries} times. */
    private void confirmSubscription(int tries) {
        client.routes().later(() -> {
            if (!closed && tries > 0 && !client.instance().sendHeartbeatToAllBrokerWithLock()) {
                confirmSubscription(tries - 1);
            }
        }, 50);
    }

    private ConsumeConcurrentlyStatus consume(List<MessageExt> msgs, ConsumeConcurrentlyContext ctx) {
        ConsumeConcurrentlyStatus status = ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        for (MessageExt m : msgs) {
            if (handle(m) == ConsumeConcurrentlyStatus.RECONSUME_LATER) {
                status = ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        }
        if (status == ConsumeConcurrentlyStatus.RECONSUME_LATER) {
            ctx.setDelayLevelWhenNextConsume(REDELIVER_DELAY_LEVEL);
        }
        return status;
    }

    private ConsumeConcurrentlyStatus handle(MessageExt msg) {
        received.incrementAndGet();
        pacing.update();
        long deadline = deadlineOf(msg);
        long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.currentTimeMillis();
        if (remaining <= 0) {
            long n = expired.incrementAndGet();
            log.debug("dropped call {} of {}: its deadline passed {} ms ago ({} dropped so far)",
                    msg.getKeys(), key, -remaining, n);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        }
        byte[] body = msg.getBody();
        if (body == null || body.length < FrameHeader.LENGTH
                || body[0] != FrameHeader.MAGIC_HIGH || body[1] != FrameHeader.MAGIC_LOW
                || (body[2] & FrameHeader.FLAG_REQUEST) == 0) {
            rejected.incrementAndGet();
            log.warn("message {} on {} is not a Ferry request frame; dropped", msg.getMsgId(), topic);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        }
        long frameId = readLong(body, 4);
        boolean twoWay = (body[2] & FrameHeader.FLAG_TWO_WAY) != 0;
        String requestKey = requestKey(msg);
        RecentRequests.Claim claim = recent.claim(requestKey);
        if (!claim.first()) {
            duplicates.incrementAndGet();
            return answerFromMemory(msg, claim.reply(), frameId, twoWay, remaining);
        }
        if (twoWay && inherited.inherited(msg)) {
            byte[] stored = storedReplies.find(msg, requestKey);
            if (stored != null) {
                recovered.incrementAndGet();
                log.debug("request {} of {} was answered by an earlier provider; sending its stored reply", requestKey, key);
                claim.answer(stored);
                return awaitAndReply(msg, claim.reply(), true, remaining, frameId);
            }
        }
        return run(msg, requestKey, body, claim, twoWay, remaining);
    }

    /** Runs a request seen for the first time; answers {@code claim} with its encoded reply. */
    private ConsumeConcurrentlyStatus run(MessageExt msg, String requestKey, byte[] body, RecentRequests.Claim claim,
                                          boolean twoWay, long remaining) {
        Message decoded;
        try {
            decoded = codec.decode(new ByteArrayInputStream(body), services);
        } catch (CodecException e) {
            log.warn("request {} on {} does not decode: {}", msg.getKeys(), topic, e.getMessage());
            return refuse(msg, claim, e.requestId() != CodecException.UNKNOWN_ID && e.twoWay() ? e.requestId() : null,
                    e.code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("request {} on {} does not decode: {}", msg.getKeys(), topic, e.toString());
            return refuse(msg, claim, null, Code.BAD_REQUEST, e.toString());
        }
        if (!(decoded instanceof Request request) || request.event()) {
            return refuse(msg, claim, null, Code.BAD_REQUEST, "not a call");
        }
        if (!key.equals(request.invocation().serviceKey())) {
            // The topic is the service's: a message naming another service is refused, not run.
            return refuse(msg, claim, twoWay ? request.id() : null, Code.BAD_REQUEST, "a request for "
                    + request.invocation().serviceKey() + " on the topic of " + key);
        }
        if (requestKey != null) {
            request.invocation().attachments().put(RocketMqRequestKeys.ATTACHMENT, requestKey);
        }
        executed.incrementAndGet();
        CompletableFuture<Response> response;
        try {
            response = services.dispatch(request);
        } catch (RuntimeException e) {
            response = CompletableFuture.completedFuture(Response.error(request.id(), request.serializationId(),
                    Code.SERVER_ERROR, "provider failed on " + key + ": " + e));
        }
        response.whenComplete((r, e) -> claim.answer(!request.twoWay() ? null
                : encodeReply(e == null ? r : Response.error(request.id(), request.serializationId(), Code.SERVER_ERROR,
                        String.valueOf(e)), request.invocation())));
        return awaitAndReply(msg, claim.reply(), request.twoWay(), remaining, request.id());
    }

    /** A redelivered request: the first delivery's reply, once it exists. */
    private ConsumeConcurrentlyStatus answerFromMemory(MessageExt msg, CompletableFuture<byte[]> slot, long frameId,
                                                       boolean twoWay, long remaining) {
        log.debug("request {} of {} seen again; answering from memory", msg.getKeys(), key);
        return awaitAndReply(msg, slot, twoWay, remaining, frameId);
    }

    private ConsumeConcurrentlyStatus awaitAndReply(MessageExt msg, CompletableFuture<byte[]> slot, boolean twoWay,
                                                    long remaining, long frameId) {
        byte[] reply;
        try {
            reply = slot.get(remaining == Long.MAX_VALUE ? NO_DEADLINE_WAIT_MILLIS : remaining, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            overran.incrementAndGet();
            log.debug("call {} of {} ran past its deadline; acknowledged without a reply", msg.getKeys(), key);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        } catch (ExecutionException e) {
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        }
        if (!twoWay || reply == null) {
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        }
        return send(msg, withId(reply, frameId)) ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
                : ConsumeConcurrentlyStatus.RECONSUME_LATER;
    }

    /** Answers a message that is not a valid call (when the caller can be told) and forgets it. */
    private ConsumeConcurrentlyStatus refuse(MessageExt msg, RecentRequests.Claim claim, Long replyId, Code code,
                                             String why) {
        rejected.incrementAndGet();
        recent.forget(requestKey(msg));
        claim.answer(null);
        if (replyId != null) {
            byte serialization = (byte) (msg.getBody()[2] & FrameHeader.SERIALIZATION_MASK);
            byte[] reply = encodeReply(Response.error(replyId, serialization, code, why), null);
            if (reply != null && !send(msg, reply)) {
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        }
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    }

    /** Sends a reply to the requester of {@code request}; false when it could not be sent. */
    private boolean send(MessageExt request, byte[] body) {
        try {
            org.apache.rocketmq.common.message.Message reply = MessageUtil.createReplyMessage(request, body);
            if (request.getKeys() != null) {
                reply.setKeys(request.getKeys());
            }
            reply.putUserProperty(MessageProperties.STATUS, Byte.toString(body[3]));
            client.producer().send(reply, REPLY_TIMEOUT_MILLIS);
            return true;
        } catch (Exception e) {
            replyFailures.incrementAndGet();
            log.warn("reply to {} on {} could not be sent ({}); the request is redelivered", request.getKeys(), topic,
                    e.getMessage());
            return false;
        }
    }

    /**
     * The encoded reply, held to the call's own payload limit when there is a decoded call; an
     * error reply when the result cannot be encoded; null when not even that.
     */
    private byte[] encodeReply(Response response, dev.ferry.api.Invocation call) {
        try {
            return call != null ? codec.encodeReply(response, call) : codec.encode(response);
        } catch (IOException | RuntimeException e) {
            // The result cannot travel (too large, not serializable): the caller still hears why.
            Code code = e instanceof CodecException c ? c.code() : Code.SERVER_ERROR;
            try {
                return codec.encode(Response.error(response.id(), response.serializationId(), code,
                        "provider could not encode the reply of " + key + ": " + e.getMessage()));
            } catch (IOException | RuntimeException again) {
                log.error("cannot encode even an error reply for {}: {}", key, again.toString());
                return null;
            }
        }
    }

    /** The reply with the request id of this delivery (a retry of a call has a new id). */
    private static byte[] withId(byte[] reply, long id) {
        if (readLong(reply, 4) == id) {
            return reply;
        }
        byte[] copy = reply.clone();
        for (int i = 11; i >= 4; i--) {
            copy[i] = (byte) id;
            id >>>= 8;
        }
        return copy;
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** The message key Ferry sets; for a request from elsewhere, its correlation id. */
    private static String requestKey(MessageExt msg) {
        String keys = msg.getKeys();
        return keys != null && !keys.isBlank() ? keys : msg.getProperty(MessageConst.PROPERTY_CORRELATION_ID);
    }

    /** The request's deadline in epoch ms; none (or a malformed one) means it never expires. */
    private static long deadlineOf(MessageExt msg) {
        String deadline = msg.getUserProperty(MessageProperties.DEADLINE);
        if (deadline != null) {
            try {
                return Long.parseLong(deadline.trim());
            } catch (NumberFormatException ignored) {
                // A malformed deadline is treated as none: the call still runs.
            }
        }
        return Long.MAX_VALUE;
    }

    RocketMqProviderStats stats() {
        return new RocketMqProviderStats(received.get(), executed.get(), expired.get(), duplicates.get(),
                recovered.get(), overran.get(), replyFailures.get(), rejected.get());
    }

    String group() {
        return consumer.getConsumerGroup();
    }

    /**
     * Stops taking calls: waits up to the shutdown wait for calls in progress to reply, then
     * leaves the group, whose other providers take over its queues.
     */
    @Override
    public void close() {
        closed = true;
        consumer.shutdown();
    }
}
