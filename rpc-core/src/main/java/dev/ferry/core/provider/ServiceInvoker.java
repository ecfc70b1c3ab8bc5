package dev.ferry.core.provider;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.codec.TypeDescriptors;
import dev.ferry.core.invoker.InstanceInvoker;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The provider end of the chain: calls the service implementation through a method handle
 * per interface method. A method that returns a {@link CompletionStage} completes the call
 * when its stage does, holding no thread meanwhile; an exception the method throws becomes a
 * {@link Result#exception} for the caller.
 */
public final class ServiceInvoker extends InstanceInvoker {

    private static final Endpoint LOCAL = new Endpoint("local", "localhost", 0);

    private final Object implementation;
    private final Map<String, Target> byKey = new HashMap<>();
    /** The methods by name, overloads side by side: a call finds its target without building text. */
    private final Map<String, Target[]> byName = new HashMap<>();

    public <T> ServiceInvoker(Class<T> type, ServiceKey key, T implementation) {
        super(checked(type, implementation), key, LOCAL);
        this.implementation = implementation;
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            MethodHandle h = handle(lookup, m).asSpreader(1, Object[].class, m.getParameterCount())
                    .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
            Target target = new Target(m, h);
            byKey.put(TypeDescriptors.methodKey(m), target);
            byName.merge(m.getName(), new Target[] {target}, (a, b) -> {
                Target[] both = Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                return both;
            });
        }
    }

    private static <T> Class<T> checked(Class<T> type, T implementation) {
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface");
        }
        if (!type.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement " + type.getName());
        }
        return type;
    }

    /** The interface method a request names, or null. */
    public Method method(String name, String descriptor) {
        Target t = byKey.get(TypeDescriptors.methodKey(name, descriptor));
        return t == null ? null : t.method;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        Target target = target(invocation.methodName(), invocation.parameterTypes());
        if (target == null) {
            return CompletableFuture.failedFuture(new RpcException(Code.SERVICE_NOT_FOUND,
                    "service " + serviceKey() + " has no method " + invocation.methodName()
                            + TypeDescriptors.of(invocation.parameterTypes())));
        }
        Object returned;
        try {
            returned = target.handle.invokeExact(implementation, invocation.arguments());
        } catch (Throwable t) {
            return CompletableFuture.completedFuture(Result.exception(t));
        }
        if (returned instanceof CompletionStage<?> stage && CompletionStage.class.isAssignableFrom(target.method.getReturnType())) {
            CompletableFuture<Result> out = new CompletableFuture<>();
            stage.whenComplete((value, error) -> out.complete(error == null ? Result.value(value)
                    : Result.exception(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error)));
            return out;
        }
        return CompletableFuture.completedFuture(Result.value(returned));
    }

    @Override
    public String toString() {
        return "ServiceInvoker{" + serviceKey() + " -> " + implementation.getClass().getName() + "}";
    }

    /** By the parameter classes themselves, else by their names (classes of another loader). */
    private Target target(String name, Class<?>[] parameterTypes) {
        Target[] overloads = byName.get(name);
        if (overloads != null) {
            for (Target t : overloads) {
                if (Arrays.equals(t.parameterTypes, parameterTypes)) {
                    return t;
                }
            }
        }
        return byKey.get(TypeDescriptors.methodKey(name, TypeDescriptors.of(parameterTypes)));
    }

    private static MethodHandle handle(MethodHandles.Lookup lookup, Method m) {
        try {
            return lookup.unreflect(m);
        } catch (IllegalAccessException notPublic) {
            // A package-private interface (common in tests) is still callable from the classpath.
            try {
                m.setAccessible(true);
                return MethodHandles.lookup().unreflect(m);
            } catch (RuntimeException | IllegalAccessException e) {
                throw new IllegalArgumentException("cannot call " + m + ": make the service interface public", e);
            }
        }
    }

    private record Target(Method method, MethodHandle handle, Class<?>[] parameterTypes) {
        Target(Method method, MethodHandle handle) {
            this(method, handle, method.getParameterTypes());
        }
    }
}
