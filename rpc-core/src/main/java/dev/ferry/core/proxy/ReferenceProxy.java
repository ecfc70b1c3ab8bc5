package dev.ferry.core.proxy;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.codec.Types;
import dev.ferry.core.invocation.RpcInvocation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The consumer stub: a JDK dynamic proxy that turns each interface call into an
 * {@link RpcInvocation} for the reference's invoker. A method returning
 * {@link CompletableFuture} gets the call's future and never blocks; any other method blocks
 * here, at the edge, for at most the call's time budget.
 */
public final class ReferenceProxy implements InvocationHandler {

    // Slack past the transport's own timeout, so the transport's message (naming the address) wins.
    private static final long EDGE_GRACE_MILLIS = 1000;

    private final Class<?> type;
    private final ServiceKey key;
    private final Invoker invoker;
    private final CallOptions options;
    private final boolean async;
    private final Map<Method, MethodInfo> methods = new HashMap<>();

    private ReferenceProxy(Class<?> type, ServiceKey key, Invoker invoker, CallOptions options, boolean async) {
        this.type = type;
        this.key = key;
        this.invoker = invoker;
        this.options = options;
        this.async = async;
        for (Method m : type.getMethods()) {
            methods.put(m, new MethodInfo(m));
        }
    }

    /** A proxy of {@code type} whose calls go to {@code invoker}. */
    public static <T> T create(Class<T> type, ServiceKey key, Invoker invoker, CallOptions options, boolean async) {
        ReferenceProxy handler = new ReferenceProxy(type, key, invoker, options, async);
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ReferenceProxy.class.getClassLoader();
        return type.cast(Proxy.newProxyInstance(loader, new Class<?>[]{type}, handler));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        MethodInfo info = methods.get(method);
        if (info == null) {
            return local(proxy, method, args);
        }
        RpcInvocation inv = new RpcInvocation(key, method.getName(), info.parameterTypes, args,
                info.returnType, new HashMap<>(), options);
        CompletableFuture<Result> call;
        try {
            call = invoker.invoke(inv);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        if (info.returnsFuture) {
            return call.thenApply(ReferenceProxy::valueOrThrow);
        }
        if (async) {
            RpcContext.putFuture(call.thenApply(ReferenceProxy::valueOrThrow));
            return Types.zero(method.getReturnType());
        }
        Object value = await(call, inv).recreate();
        // A oneway call has no value: a primitive method still needs one to unbox.
        return value == null ? Types.zero(method.getReturnType()) : value;
    }

    private Result await(CompletableFuture<Result> call, RpcInvocation inv) {
        long attempts = 1L + Math.max(0, options.get(CallOptions.RETRIES));
        long budget = options.timeout().toMillis() * attempts + EDGE_GRACE_MILLIS;
        try {
            return call.get(budget, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new RpcException(Code.CLIENT_ERROR, "call " + RpcInvocation.describe(inv) + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new RpcException(Code.CLIENT_TIMEOUT, "call " + RpcInvocation.describe(inv) + " got no reply within "
                    + budget + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(Code.CLIENT_ERROR, "interrupted waiting for " + RpcInvocation.describe(inv), e);
        }
    }

    private static Object valueOrThrow(Result r) {
        if (r.hasException()) {
            throw new CompletionException(r.exception());
        }
        return r.value();
    }

    private Object local(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "Ferry reference to " + key + " (" + type.getName() + ")";
            default:
                throw new UnsupportedOperationException(method.toString());
        }
    }

    private static final class MethodInfo {
        final Class<?>[] parameterTypes;
        final Type returnType;
        final boolean returnsFuture;

        MethodInfo(Method m) {
            this.parameterTypes = m.getParameterTypes();
            this.returnsFuture = m.getReturnType() == CompletableFuture.class;
            Type generic = m.getGenericReturnType();
            if (returnsFuture) {
                generic = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            }
            this.returnType = generic;
        }
    }
}
