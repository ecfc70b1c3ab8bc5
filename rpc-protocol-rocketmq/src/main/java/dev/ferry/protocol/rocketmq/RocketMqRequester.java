package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.transport.PendingCalls;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.exception.RequestTimeoutException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer side of the RocketMQ transport: one producer per protocol that sends request
 * messages and receives their replies through RocketMQ's native request-reply (the broker
 * pushes a reply to the client named in the request). No thread waits for a reply.
 */
final class RocketMqRequester {

    private static final Logger log = LoggerFactory.getLogger(RocketMqRequester.class);

    private final RocketMqProtocolConfig config;
    private final DubboCodec codec;
    private final PendingCalls pending;
    private final DefaultMQProducer producer;
    private final Set<String> routedTopics = ConcurrentHashMap.newKeySet();

    RocketMqRequester(RocketMqProtocolConfig config, DubboCodec codec, PendingCalls pending) {
        this.config = config;
        this.codec = codec;
        this.pending = pending;
        this.producer = new DefaultMQProducer("ferry_requester");
        producer.setNamesrvAddr(config.nameServer());
        // Client ids are ip@instanceName, and replies go to a client id: two requesters sharing
        // one would receive each other's replies.
        producer.setInstanceName("ferry-requester-" + UUID.randomUUID());
        producer.setMaxMessageSize(config.payloadLimit() + 1024);
        // A failed send is retried by the cluster strategy, which picks another broker.
        producer.setRetryTimesWhenSendAsyncFailed(0);
    }

    void start() {
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("cannot start the RocketMQ requester against NameServer "
                    + config.nameServer() + ": " + e.getMessage(), e);
        }
    }

    CompletableFuture<Result> send(String topic, Invocation inv, Endpoint endpoint, byte serializationId) {
        String call = RpcInvocation.describe(inv);
        if (!hasRoute(topic)) {
            return CompletableFuture.failedFuture(new RpcException(Code.SERVICE_NOT_FOUND, "call " + call + " to "
                    + endpoint + " failed: the NameServer has no route for topic " + topic
                    + ", so no provider ever exported this service on RocketMQ"));
        }
        boolean oneway = Boolean.TRUE.equals(inv.options().get(CallOptions.ONEWAY));
        long id = PendingCalls.nextId();
        long timeout = inv.options().timeout().toMillis();
        byte[] body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            codec.encode(Request.call(id, serializationId, !oneway, inv), out);
            body = out.toByteArray();
        } catch (CodecException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "call " + call + " to " + endpoint
                    + " failed before sending: " + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "call " + call + " to " + endpoint
                    + " failed before sending: cannot serialize the request: " + e, e));
        }
        org.apache.rocketmq.common.message.Message msg = new org.apache.rocketmq.common.message.Message(topic, body);
        msg.setKeys(producer.getInstanceName() + ":" + id);
        msg.putUserProperty(MessageProperties.SERVICE, inv.serviceKey().toString());
        msg.putUserProperty(MessageProperties.METHOD, inv.methodName());
        msg.putUserProperty(MessageProperties.REQUEST_ID, Long.toString(id));
        msg.putUserProperty(MessageProperties.DEADLINE, Long.toString(System.currentTimeMillis() + timeout));
        if (oneway) {
            return sendOneway(msg, call, endpoint);
        }
        CompletableFuture<Result> result = pending.register(id, inv, endpoint);
        try {
            producer.request(msg, new RequestCallback() {
                @Override
                public void onSuccess(org.apache.rocketmq.common.message.Message reply) {
                    // rocketmq-client 5.4.0 also reports the successful send with a null reply.
                    if (reply != null) {
                        accept(id, reply.getBody(), call, endpoint);
                    }
                }

                @Override
                public void onException(Throwable e) {
                    pending.fail(id, e instanceof RequestTimeoutException
                            ? new RpcException(Code.CLIENT_TIMEOUT, "call " + call + " to " + endpoint + " (topic " + topic
                            + ") was stored on the broker but got no reply within " + timeout + " ms")
                            : sendFailed(call, endpoint, e));
                }
            }, timeout);
        } catch (Exception e) {
            pending.fail(id, sendFailed(call, endpoint, e));
        }
        return result;
    }

    private CompletableFuture<Result> sendOneway(org.apache.rocketmq.common.message.Message msg, String call, Endpoint endpoint) {
        // Sent with the broker's acknowledgement: a oneway call is not waited for, but it is stored.
        CompletableFuture<Result> done = new CompletableFuture<>();
        try {
            producer.send(msg, new SendCallback() {
                @Override
                public void onSuccess(SendResult sendResult) {
                    done.complete(Result.value(null));
                }

                @Override
                public void onException(Throwable e) {
                    done.completeExceptionally(sendFailed(call, endpoint, e));
                }
            });
        } catch (Exception e) {
            done.completeExceptionally(sendFailed(call, endpoint, e));
        }
        return done;
    }

    private void accept(long id, byte[] body, String call, Endpoint endpoint) {
        try {
            Message m = codec.decode(new ByteArrayInputStream(body), pending);
            if (m instanceof Response r && r.id() == id) {
                pending.complete(r);
            } else {
                pending.fail(id, new RpcException(Code.BAD_RESPONSE, "call " + call + " to " + endpoint
                        + " got a reply that is not the response to request " + id));
            }
        } catch (CodecException e) {
            pending.fail(id, new RpcException(e.code(), "call " + call + " to " + endpoint + " got a reply that does not decode: "
                    + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            pending.fail(id, new RpcException(Code.BAD_RESPONSE, "call " + call + " to " + endpoint
                    + " got a reply that does not decode: " + e, e));
        }
    }

    private static RpcException sendFailed(String call, Endpoint endpoint, Throwable e) {
        return new RpcException(Code.CHANNEL_INACTIVE, "call " + call + " to " + endpoint
                + " failed: the request could not be sent: " + e.getMessage(), e);
    }

    /**
     * Whether the NameServer knows the topic. Asked once per topic that has a route; without
     * this check a broker that auto-creates topics would store calls for a service nobody serves.
     */
    private boolean hasRoute(String topic) {
        if (routedTopics.contains(topic)) {
            return true;
        }
        try {
            var factory = producer.getDefaultMQProducerImpl().getMqClientFactory();
            boolean found = factory.updateTopicRouteInfoFromNameServer(topic);
            if (found) {
                // A reply may come back through any broker of the cluster, which pushes it over
                // the requester's own connection: every broker must know this client before the
                // first request, not at the next periodic heartbeat.
                factory.sendHeartbeatToAllBrokerWithLock();
                routedTopics.add(topic);
            }
            return found;
        } catch (RuntimeException e) {
            log.debug("route lookup of {} failed: {}", topic, e.toString());
            return false;
        }
    }

    void close() {
        producer.shutdown();
    }
}
