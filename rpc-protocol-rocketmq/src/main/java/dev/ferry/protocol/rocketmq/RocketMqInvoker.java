package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Serialization;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.Serializations;

import java.util.concurrent.CompletableFuture;

/** Sends the calls of one service to its request topic through the shared requester. */
final class RocketMqInvoker implements Invoker {

    private final Class<?> type;
    private final ServiceKey key;
    private final Endpoint endpoint;
    private final String topic;
    private final Serializations serializations;
    private final RocketMqRequester requester;
    private volatile boolean closed;

    RocketMqInvoker(Class<?> type, ServiceKey key, Endpoint endpoint, String topic, DubboCodec codec,
                    Serializations serializations, PendingCalls pending, RocketMqRequester requester) {
        this.type = type;
        this.key = key;
        this.endpoint = endpoint;
        this.topic = topic;
        this.serializations = serializations;
        this.requester = requester;
    }

    @Override
    public Class<?> type() {
        return type;
    }

    @Override
    public ServiceKey serviceKey() {
        return key;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        if (closed) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.Code.CLIENT_ERROR,
                    "call " + RpcInvocation.describe(invocation) + " to " + endpoint + " failed: the reference is closed"));
        }
        String name = invocation.options().get(CallOptions.SERIALIZATION);
        Serialization serialization;
        try {
            serialization = serializations.byName(name);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.Code.CLIENT_ERROR,
                    "call " + RpcInvocation.describe(invocation) + " to " + endpoint + " failed: " + e.getMessage(), e));
        }
        return requester.send(topic, invocation, endpoint, serialization.id());
    }

    @Override
    public boolean isAvailable() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "RocketMqInvoker{" + key + " via " + endpoint + "}";
    }
}
