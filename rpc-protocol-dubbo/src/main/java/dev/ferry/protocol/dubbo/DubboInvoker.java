package dev.ferry.protocol.dubbo;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.core.invoker.InstanceInvoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

/**
 * A consumer's invoker for one service at one provider address, sending over the address's
 * shared {@link DubboClient}.
 */
final class DubboInvoker extends InstanceInvoker {

    private final DubboClient client;
    private final ToIntFunction<String> serializationIds;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param serializationIds the wire id of a serialization name; throws
     *                         {@link IllegalArgumentException} for an unknown one
     */
    DubboInvoker(Class<?> type, ServiceKey key, Endpoint endpoint, DubboClient client,
                 ToIntFunction<String> serializationIds, Runnable onClose) {
        super(type, key, endpoint);
        this.client = client;
        this.serializationIds = serializationIds;
        this.onClose = onClose;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE, "call "
                    + RpcInvocation.describe(invocation) + " to " + client.endpoint() + " failed: the reference is closed"));
        }
        String serialization = invocation.options().get(CallOptions.SERIALIZATION);
        byte serializationId;
        try {
            serializationId = (byte) serializationIds.applyAsInt(serialization);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "call "
                    + RpcInvocation.describe(invocation) + " to " + client.endpoint() + " failed: serialization '"
                    + serialization + "' is not available: " + e.getMessage(), e));
        }
        boolean oneway = Boolean.TRUE.equals(invocation.options().get(CallOptions.ONEWAY));
        return client.send(invocation, serializationId, oneway);
    }

    @Override
    public boolean isAvailable() {
        return !closed.get() && client.isAvailable();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }
}
