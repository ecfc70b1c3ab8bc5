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
 * A consumer's calls that wait for replies: request id to future, each with its timeout on the
 * shared timer wheel ({@link Timeouts}: scheduling and cancelling cost O(1) and take no lock).
 * A transport keeps one table per connection (Dubbo) or one for all its calls (RocketMQ). Also
 * the transport's {@link DecodeContext} for replies, since decoding a reply needs the call it
 * answers.
 */
public final class PendingCalls implements DecodeContext {

    private static final AtomicLong IDS = new AtomicLong();

    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
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
     * Records a call about to be sent to {@code endpoint}; its future fails with
     * {@code CLIENT_TIMEOUT} when no reply arrives within the invocation's timeout.
     */
    public CompletableFuture<Result> register(long id, Invocation invocation, Endpoint endpoint) {
        Call call = new Call(id, invocation, endpoint);
        calls.put(id, call);
        call.timeout = Timeouts.schedule(call, Math.max(1, invocation.options().timeout().toMillis()));
        return call;
    }

    /** Completes the call {@code response} answers; false when nobody waits for it any more. */
    public boolean complete(Response response) {
        Call call = calls.remove(response.id());
        if (call == null) {
            return false;
        }
        call.cancelTimeout();
        if (response.isOk()) {
            call.complete(response.result());
        } else {
            Code code = Code.ofStatus(response.status());
            call.completeExceptionally(new RpcException(code, "call " + RpcInvocation.describe(call.invocation)
                    + " to " + call.endpoint + " failed with status " + response.status() + " (" + code + "): "
                    + response.errorMessage()));
        }
        return true;
    }

    /** Fails one call, e.g. when its request could not be sent or its reply not decoded. */
    public boolean fail(long id, RpcException cause) {
        Call call = calls.remove(id);
        if (call == null) {
            return false;
        }
        call.cancelTimeout();
        call.completeExceptionally(cause);
        return true;
    }

    /** Fails every waiting call with {@code CHANNEL_INACTIVE}, e.g. when their connection dies. */
    public void failAll(String reason) {
        calls.forEach((id, call) -> fail(id, new RpcException(Code.CHANNEL_INACTIVE, "call "
                + RpcInvocation.describe(call.invocation) + " to " + call.endpoint + " failed: " + reason)));
    }

    /** Number of calls waiting. */
    public int size() {
        return calls.size();
    }

    /** The call {@code id} answers, for error messages; null when gone. */
    public Invocation invocation(long id) {
        Call call = calls.get(id);
        return call == null ? null : call.invocation;
    }

    @Override
    public Invocation pendingCall(long requestId) {
        return invocation(requestId);
    }

    @Override
    public Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor) {
        return null; // a consumer serves no calls
    }

    @Override
    public boolean accepts(String interfaceName, byte serializationId) {
        return false;
    }

    @Override
    public ClassAllowlist allowlist(String interfaceName) {
        return allowlists.apply(interfaceName);
    }

    /** One waiting call: its future and its timeout task in one object. */
    private final class Call extends CompletableFuture<Result> implements Runnable {
        final long id;
        final Invocation invocation;
        final Endpoint endpoint;
        volatile TimerWheel.Timeout timeout;

        Call(long id, Invocation invocation, Endpoint endpoint) {
            this.id = id;
            this.invocation = invocation;
            this.endpoint = endpoint;
        }

        /** The timeout. */
        @Override
        public void run() {
            if (calls.remove(id, this)) {
                completeExceptionally(new RpcException(Code.CLIENT_TIMEOUT, "call " + RpcInvocation.describe(invocation)
                        + " to " + endpoint + " timed out after " + invocation.options().timeout().toMillis()
                        + " ms waiting for the reply (request id " + id + ")"));
            }
        }

        void cancelTimeout() {
            TimerWheel.Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
