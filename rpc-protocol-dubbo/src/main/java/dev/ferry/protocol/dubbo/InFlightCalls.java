package dev.ferry.protocol.dubbo;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.spi.Response;
import dev.ferry.core.invocation.RpcInvocation;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The calls written to one connection and not yet answered: request id to future, each with
 * its timeout on a shared timer wheel (scheduling and cancelling one costs O(1) and takes no
 * lock). Also the connection's {@link DecodeContext}, since decoding a reply needs the call it
 * answers.
 */
final class InFlightCalls implements DecodeContext {

    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final Endpoint endpoint;
    private final Timer timer;
    private final Function<String, ClassAllowlist> allowlists;

    InFlightCalls(Endpoint endpoint, Timer timer, Function<String, ClassAllowlist> allowlists) {
        this.endpoint = endpoint;
        this.timer = timer;
        this.allowlists = allowlists;
    }

    /**
     * Records a call about to be written; its future fails with {@code CLIENT_TIMEOUT} when no
     * reply arrives within the invocation's timeout.
     */
    CompletableFuture<Result> register(long id, Invocation invocation) {
        Call call = new Call(id, invocation);
        calls.put(id, call);
        try {
            call.timeout = timer.newTimeout(call, Math.max(1, invocation.options().timeout().toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopped) {
            // The timer stops only when the protocol closes: nothing will answer this call.
            fail(id, new RpcException(Code.CHANNEL_INACTIVE, "call " + RpcInvocation.describe(invocation) + " to "
                    + endpoint + " failed: the protocol is closed"));
        }
        return call;
    }

    /** Completes the call {@code response} answers; false when nobody waits for it any more. */
    boolean complete(Response response) {
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
                    + " to " + endpoint + " failed with status " + response.status() + " (" + code + "): "
                    + response.errorMessage()));
        }
        return true;
    }

    /** Fails one call, e.g. when its request could not be written or its reply not decoded. */
    boolean fail(long id, RpcException cause) {
        Call call = calls.remove(id);
        if (call == null) {
            return false;
        }
        call.cancelTimeout();
        call.completeExceptionally(cause);
        return true;
    }

    /** Fails every call waiting here, e.g. when the connection dies. */
    void failAll(String reason) {
        for (Long id : calls.keySet()) {
            Call call = calls.get(id);
            if (call != null) {
                fail(id, new RpcException(Code.CHANNEL_INACTIVE, "call " + RpcInvocation.describe(call.invocation)
                        + " to " + endpoint + " failed: " + reason));
            }
        }
    }

    int size() {
        return calls.size();
    }

    /** The call {@code id} answers, for error messages; null when gone. */
    Invocation invocation(long id) {
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
    private final class Call extends CompletableFuture<Result> implements TimerTask {
        final long id;
        final Invocation invocation;
        volatile Timeout timeout;

        Call(long id, Invocation invocation) {
            this.id = id;
            this.invocation = invocation;
        }

        @Override
        public void run(Timeout t) {
            if (calls.remove(id, this)) {
                completeExceptionally(new RpcException(Code.CLIENT_TIMEOUT, "call " + RpcInvocation.describe(invocation)
                        + " to " + endpoint + " timed out after " + invocation.options().timeout().toMillis()
                        + " ms waiting for the reply (request id " + id + ")"));
            }
        }

        void cancelTimeout() {
            Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
