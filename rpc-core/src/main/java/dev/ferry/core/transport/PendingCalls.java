package dev.ferry.core.transport;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.spi.Response;
import dev.ferry.core.invocation.RpcInvocation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The consumer's table of calls waiting for replies: request id to future, each with its
 * timeout on the shared timer. Also the consumer's {@link DecodeContext}, since decoding a
 * response needs the call it answers.
 */
public final class PendingCalls implements DecodeContext {

    private static final AtomicLong IDS = new AtomicLong();

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Function<String, ClassAllowlist> allowlists;

    /** @param allowlists the allowlist for replies of an interface, by interface name */
    public PendingCalls(Function<String, ClassAllowlist> allowlists) {
        this.allowlists = allowlists;
    }

    /** A new request id, unique in this JVM. */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /**
     * Records a call about to be sent; its future fails with {@code CLIENT_TIMEOUT} when no
     * reply arrives within the invocation's timeout.
     */
    public CompletableFuture<Result> register(long id, Invocation invocation, Endpoint endpoint) {
        Pending p = new Pending(invocation, endpoint);
        pending.put(id, p);
        long millis = invocation.options().timeout().toMillis();
        p.timeout = Timeouts.schedule(() -> {
            Pending gone = pending.remove(id);
            if (gone != null) {
                gone.future.completeExceptionally(new RpcException(Code.CLIENT_TIMEOUT, "call "
                        + RpcInvocation.describe(invocation) + " to " + endpoint + " timed out after " + millis
                        + " ms waiting for the reply (request id " + id + ")"));
            }
        }, millis);
        return p.future;
    }

    /** Completes the call {@code response} answers; false when nobody waits for it any more. */
    public boolean complete(Response response) {
        Pending p = pending.remove(response.id());
        if (p == null) {
            return false;
        }
        p.cancelTimeout();
        if (response.isOk()) {
            p.future.complete(response.result());
        } else {
            Code code = RpcException.Code.ofStatus(response.status());
            p.future.completeExceptionally(new RpcException(code, "call " + RpcInvocation.describe(p.invocation)
                    + " to " + p.endpoint + " failed with status " + response.status() + " (" + code + "): "
                    + response.errorMessage()));
        }
        return true;
    }

    /** Fails one call, e.g. when its request could not be sent or its reply not decoded. */
    public boolean fail(long id, RpcException cause) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        p.cancelTimeout();
        p.future.completeExceptionally(cause);
        return true;
    }

    /** Fails every call sent to {@code endpoint}, e.g. when its connection dies. */
    public void failAll(Endpoint endpoint, String reason) {
        pending.forEach((id, p) -> {
            if (p.endpoint.equals(endpoint)) {
                fail(id, new RpcException(Code.CHANNEL_INACTIVE, "call " + RpcInvocation.describe(p.invocation)
                        + " to " + endpoint + " failed: " + reason));
            }
        });
    }

    /** Number of calls waiting. */
    public int size() {
        return pending.size();
    }

    /** The call {@code id} answers, for error messages; null when gone. */
    public Invocation invocation(long id) {
        Pending p = pending.get(id);
        return p == null ? null : p.invocation;
    }

    @Override
    public Invocation pendingCall(long requestId) {
        return invocation(requestId);
    }

    @Override
    public Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor) {
        return null;
    }

    @Override
    public boolean accepts(String interfaceName, byte serializationId) {
        return false;
    }

    @Override
    public ClassAllowlist allowlist(String interfaceName) {
        return allowlists.apply(interfaceName);
    }

    private static final class Pending {
        final Invocation invocation;
        final Endpoint endpoint;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        volatile TimerWheel.Timeout timeout;

        Pending(Invocation invocation, Endpoint endpoint) {
            this.invocation = invocation;
            this.endpoint = endpoint;
        }

        void cancelTimeout() {
            TimerWheel.Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
