package dev.ferry.core.generic;

import dev.ferry.api.CallOptions;
import dev.ferry.api.GenericService;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A consumer's {@link GenericService} for one service: each call becomes Dubbo's generic
 * request ({@code $invoke(String, String[], Object[])} with {@code generic=true}) sent through
 * an invoker for that service's key, typically a cluster invoker over the service's providers.
 *
 * <p>Arguments that are POJOs are sent in plain form ({@link GenericValues#generalize}), so a
 * caller may pass either maps or objects it happens to have.
 */
public final class GenericReference implements GenericService {

    /** Parameter types of the generic method on the wire. */
    public static final Class<?>[] INVOKE_PARAMETER_TYPES = {String.class, String[].class, Object[].class};
    /** Their descriptor, {@code Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;}. */
    public static final String INVOKE_DESCRIPTOR = "Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;";

    // Slack past the transport's own timeout, so the transport's message (naming the address) wins.
    private static final long EDGE_GRACE_MILLIS = 1000;

    private final Invoker invoker;
    private final ServiceKey key;
    private final CallOptions options;

    /**
     * @param invoker sends the calls; its key names the remote service
     * @param options per-call options (timeout, retries, serialization …)
     */
    public GenericReference(Invoker invoker, CallOptions options) {
        this.invoker = Objects.requireNonNull(invoker, "invoker");
        this.key = invoker.serviceKey();
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The service this reference calls. */
    public ServiceKey serviceKey() {
        return key;
    }

    @Override
    public Object $invoke(String method, String[] parameterTypes, Object[] arguments) {
        CompletableFuture<Result> call = send(method, parameterTypes, arguments);
        long attempts = 1L + Math.max(0, options.get(CallOptions.RETRIES));
        long budget = options.timeout().toMillis() * attempts + EDGE_GRACE_MILLIS;
        Result result;
        try {
            result = call.get(budget, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unchecked(e.getCause(), method);
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new RpcException(Code.CLIENT_TIMEOUT, "generic call " + key + "#" + method + " got no reply within "
                    + budget + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Code.CLIENT_ERROR, "interrupted waiting for " + key + "#" + method, e);
        }
        if (result.hasException()) {
            throw unchecked(result.exception(), method);
        }
        return result.value();
    }

    @Override
    public CompletableFuture<Object> $invokeAsync(String method, String[] parameterTypes, Object[] arguments) {
        return send(method, parameterTypes, arguments).thenApply(r -> {
            if (r.hasException()) {
                throw new CompletionException(r.exception());
            }
            return r.value();
        });
    }

    private CompletableFuture<Result> send(String method, String[] parameterTypes, Object[] arguments) {
        if (method == null || method.isBlank()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("method name is blank"));
        }
        String[] types = parameterTypes == null ? new String[0] : parameterTypes.clone();
        Object[] args = arguments == null ? new Object[0] : arguments.clone();
        if (types.length != args.length && types.length != 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(method + ": " + types.length
                    + " parameter types but " + args.length + " arguments"));
        }
        Object[] plain = new Object[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                plain[i] = GenericValues.generalize(args[i]);
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<String, Object> attachments = new HashMap<>();
        attachments.put(GENERIC_ATTACHMENT, "true");
        RpcInvocation inv = new RpcInvocation(key, INVOKE, INVOKE_PARAMETER_TYPES, new Object[]{method, types, plain},
                Object.class, attachments, options);
        try {
            return invoker.invoke(inv);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static RuntimeException unchecked(Throwable t, String method) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        // A checked business exception: generic callers have no throws clause to honour.
        return new CompletionException(t);
    }

    @Override
    public String toString() {
        return "GenericReference{" + key + "}";
    }
}
