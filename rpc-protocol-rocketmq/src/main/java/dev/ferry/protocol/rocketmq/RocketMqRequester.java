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
import dev.ferry.core.transport.Timeouts;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.RequestFutureHolder;
import org.apache.rocketmq.client.producer.RequestResponseFuture;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer side of the RocketMQ transport: sends a call as a request message to one queue
 * and receives its reply through RocketMQ's native request-reply (the broker pushes the reply
 * to the client named in the request, matched by correlation id). No thread waits for a reply.
 *
 * <p>Failures say what happened to the request: {@code CHANNEL_INACTIVE} when it could not be
 * sent (it is not stored, another broker may take it), {@code CLIENT_TIMEOUT} when it was
 * stored but no reply came before the deadline, or when the broker never acknowledged it.
 */
final class RocketMqRequester {

    private final RocketMqClient client;
    private final DubboCodec codec;
    private final PendingCalls pending;
    // The request key of an attempt that failed, by invocation (by identity: invocations do not
    // define equality): the next attempt of the same call (failover hands the same invocation to
    // it) sends under the same key, so a provider that already ran the failed attempt answers
    // from its memory instead of running the call again. Kept for the call's timeout, the time
    // in which a retry follows; not in the call's attachments, which travel and may be copied.
    private final Map<Invocation, String> retryKeys = new ConcurrentHashMap<>();

    RocketMqRequester(RocketMqClient client, DubboCodec codec, PendingCalls pending) {
        this.client = client;
        this.codec = codec;
        this.pending = pending;
    }

    /**
     * Sends {@code inv} to {@code queue} with the RocketMQ message tag {@code messageTag}.
     *
     * @param service      the service key as text, {@code inv.serviceKey().toString()}
     * @param requestedTag the routing tag the caller asked for, recorded on the message
     */
    CompletableFuture<Result> send(MessageQueue queue, String messageTag, String requestedTag, Invocation inv,
                                   Endpoint endpoint, String service, byte serializationId) {
        boolean oneway = Boolean.TRUE.equals(inv.options().get(CallOptions.ONEWAY));
        long id = PendingCalls.nextId();
        long timeout = inv.options().timeout().toMillis();
        byte[] body;
        try {
            body = codec.encode(Request.call(id, serializationId, !oneway, inv));
        } catch (CodecException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "call "
                    + RpcInvocation.describe(inv) + " to " + endpoint + " failed before sending: " + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "call "
                    + RpcInvocation.describe(inv) + " to " + endpoint + " failed before sending: cannot serialize the"
                    + " request: " + e, e));
        }
        String retried = retryKeys.isEmpty() ? null : retryKeys.remove(inv);
        String requestKey = retried != null ? retried : client.instanceName() + ":" + id;
        org.apache.rocketmq.common.message.Message msg =
                new org.apache.rocketmq.common.message.Message(queue.getTopic(), messageTag, requestKey, body);
        msg.putUserProperty(MessageProperties.SERVICE, service);
        msg.putUserProperty(MessageProperties.METHOD, inv.methodName());
        msg.putUserProperty(MessageProperties.DEADLINE, Long.toString(System.currentTimeMillis() + timeout));
        if (!requestedTag.isEmpty()) {
            msg.putUserProperty(MessageProperties.TAG, requestedTag);
        }
        RocketMqRequestKeys.sent(requestKey);
        Attempt attempt = new Attempt(inv, requestKey, queue, endpoint, timeout);
        return oneway ? sendOneway(msg, attempt) : request(msg, id, attempt);
    }

    private CompletableFuture<Result> request(org.apache.rocketmq.common.message.Message msg, long id, Attempt a) {
        CompletableFuture<Result> out = new CompletableFuture<>();
        pending.register(id, a.inv, a.endpoint).whenComplete((result, error) -> {
            if (error == null) {
                out.complete(result);
                return;
            }
            RpcException failure = error instanceof RpcException r ? r
                    : new RpcException(Code.CLIENT_ERROR, "call " + a.call() + " failed: " + error, error);
            if (failure.code() == Code.CLIENT_TIMEOUT || failure.code() == Code.CHANNEL_INACTIVE) {
                a.keepKeyForRetry(retryKeys);
            }
            if (failure.code() == Code.CLIENT_TIMEOUT && failure.getCause() == null) {
                // PendingCalls' own timer: tell the caller whether the request was stored.
                failure = timedOut(msg, a);
            }
            out.completeExceptionally(failure);
        });
        String correlationId = client.instanceName() + ":" + id;
        // RocketMQ's request-reply, done here rather than by producer.request(), so that
        // requests can travel in batches: the reply comes back by this correlation id.
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_CORRELATION_ID, correlationId);
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT, client.clientId());
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_MESSAGE_TTL, Long.toString(a.timeout));
        if (client.batcher().batches()) {
            // The broker names its cluster on a message sent alone, but not on one in a batch.
            TopicRoute route = client.routes().current(a.queue.getTopic());
            TopicRoute.BrokerRoute broker = route == null ? null : route.broker(a.queue.getBrokerName());
            if (broker != null) {
                MessageAccessor.putProperty(msg, MessageConst.PROPERTY_CLUSTER, broker.cluster());
            }
        }
        RequestResponseFuture replyFuture = new RequestResponseFuture(correlationId, a.timeout, new RequestCallback() {
            @Override
            public void onSuccess(org.apache.rocketmq.common.message.Message reply) {
                if (reply != null) {
                    accept(id, reply.getBody(), a);
                }
            }

            @Override
            public void onException(Throwable e) {
                // RocketMQ's own expiry, which comes after ours: PendingCalls already failed the call.
            }
        });
        RequestFutureHolder.getInstance().getRequestFutureTable().put(correlationId, replyFuture);
        client.batcher().send(msg, a.queue, a.timeout, new SendCallback() {
            @Override
            public void onSuccess(SendResult sendResult) {
                replyFuture.setSendRequestOk(true);
            }

            @Override
            public void onException(Throwable e) {
                RequestFutureHolder.getInstance().getRequestFutureTable().remove(correlationId);
                client.routes().markFailed(a.queue.getBrokerName());
                client.routes().refreshSoon(a.queue.getTopic());
                pending.fail(id, sendFailed(a, e));
            }
        });
        return out;
    }

    /**
     * The timeout the caller sees, saying whether the request was sent and whether the broker
     * had stored it: a request still waiting for a send is withdrawn, and the request's entry in
     * rocketmq-client's reply table (by correlation id) records the broker's acknowledgement.
     */
    private RpcException timedOut(org.apache.rocketmq.common.message.Message msg, Attempt a) {
        String correlationId = msg.getProperty(MessageConst.PROPERTY_CORRELATION_ID);
        RequestResponseFuture f = correlationId == null ? null
                : RequestFutureHolder.getInstance().getRequestFutureTable().remove(correlationId);
        if (client.batcher().withdraw(msg, a.queue)) {
            return new RpcException(Code.CLIENT_TIMEOUT, "call " + a.call() + " to " + a.endpoint + " was not sent: for "
                    + a.timeout + " ms it waited behind earlier requests that broker " + a.queue.getBrokerName()
                    + " had not acknowledged; the request (key " + a.requestKey + ") is not stored");
        }
        if (f != null && !f.isSendRequestOk()) {
            client.routes().refreshSoon(a.queue.getTopic());
            return new RpcException(Code.CLIENT_TIMEOUT, "call " + a.call() + " to " + a.endpoint + " got no acknowledgement"
                    + " from broker " + a.queue.getBrokerName() + " within " + a.timeout + " ms: the request (key "
                    + a.requestKey + ") may or may not be stored");
        }
        if (!a.requestedTag().isEmpty()) {
            // A tagged provider group may just have gone: look again before the next call.
            client.routes().refreshPresenceSoon(a.queue.getTopic());
        }
        return new RpcException(Code.CLIENT_TIMEOUT, "call " + a.call() + " to " + a.endpoint + " was stored on broker "
                + a.queue.getBrokerName() + " (topic " + a.queue.getTopic() + ", key " + a.requestKey
                + ") but got no reply within " + a.timeout + " ms; a provider that takes it after its deadline drops it");
    }

    private CompletableFuture<Result> sendOneway(org.apache.rocketmq.common.message.Message msg, Attempt a) {
        // Sent with the broker's acknowledgement: a oneway call is not waited for, but it is stored.
        CompletableFuture<Result> done = new CompletableFuture<>();
        try {
            producer().send(msg, a.queue, new SendCallback() {
                @Override
                public void onSuccess(SendResult sendResult) {
                    done.complete(Result.value(null));
                }

                @Override
                public void onException(Throwable e) {
                    client.routes().markFailed(a.queue.getBrokerName());
                    client.routes().refreshSoon(a.queue.getTopic());
                    a.keepKeyForRetry(retryKeys);
                    done.completeExceptionally(sendFailed(a, e));
                }
            }, a.timeout);
        } catch (Exception e) {
            a.keepKeyForRetry(retryKeys);
            done.completeExceptionally(sendFailed(a, e));
        }
        return done;
    }

    private void accept(long id, byte[] body, Attempt a) {
        client.routes().markHealthy(a.queue.getBrokerName());
        if (body == null) {
            pending.fail(id, new RpcException(Code.BAD_RESPONSE, "call " + a.call() + " to " + a.endpoint
                    + " got a reply with no body"));
            return;
        }
        try {
            Message m = codec.decode(new ByteArrayInputStream(body), pending);
            if (m instanceof Response r && r.id() == id) {
                pending.complete(r);
            } else {
                pending.fail(id, new RpcException(Code.BAD_RESPONSE, "call " + a.call() + " to " + a.endpoint
                        + " got a reply that is not the response to request " + id));
            }
        } catch (CodecException e) {
            pending.fail(id, new RpcException(e.code(), "call " + a.call() + " to " + a.endpoint
                    + " got a reply that does not decode: " + e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            pending.fail(id, new RpcException(Code.BAD_RESPONSE, "call " + a.call() + " to " + a.endpoint
                    + " got a reply that does not decode: " + e, e));
        }
    }

    private static RpcException sendFailed(Attempt a, Throwable e) {
        Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("unknown exception")
                ? e.getCause() : e;
        if (cause instanceof RemotingTimeoutException) {
            return new RpcException(Code.CLIENT_TIMEOUT, "call " + a.call() + " to " + a.endpoint + " got no acknowledgement"
                    + " from broker " + a.queue.getBrokerName() + " within " + a.timeout + " ms: the request (key "
                    + a.requestKey + ") may or may not be stored", e);
        }
        return new RpcException(Code.CHANNEL_INACTIVE, "call " + a.call() + " to " + a.endpoint + " failed: the request"
                + " could not be sent to broker " + a.queue.getBrokerName() + " and is not stored: " + cause.getMessage(), e);
    }

    private DefaultMQProducer producer() {
        return client.producer();
    }

    /** One attempt of a call, for messages and bookkeeping. */
    private record Attempt(Invocation inv, String requestKey, MessageQueue queue, Endpoint endpoint, long timeout) {
        String requestedTag() {
            return RocketMqInvoker.tagOf(inv);
        }

        /** {@code service#method}, for messages (built only when one is needed). */
        String call() {
            return RpcInvocation.describe(inv);
        }

        /**
         * Lets the next attempt of this call (which the cluster strategy makes with the same
         * invocation, after this one failed) send under this attempt's request key.
         */
        void keepKeyForRetry(Map<Invocation, String> retryKeys) {
            retryKeys.put(inv, requestKey);
            Timeouts.schedule(() -> retryKeys.remove(inv, requestKey), Math.max(timeout, 1));
        }
    }
}
