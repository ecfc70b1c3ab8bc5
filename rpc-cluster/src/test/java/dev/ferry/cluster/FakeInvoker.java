package dev.ferry.cluster;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An invoker that only has an endpoint, for balancer and router tests where no call is made:
 * choosing an instance needs nothing else.
 */
public final class FakeInvoker implements Invoker {

    public static final ServiceKey KEY = new ServiceKey("test.Svc", "", "");

    private final Endpoint endpoint;

    public FakeInvoker(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** An instance at {@code host}:20880 with {@code parameters}. */
    public static FakeInvoker at(String host, Map<String, String> parameters) {
        return new FakeInvoker(new Endpoint("dubbo", host, 20880, parameters));
    }

    public static FakeInvoker at(String host) {
        return at(host, Map.of());
    }

    /** A call of {@code method} with {@code args} (all typed Object) and {@code options}. */
    public static Invocation call(String method, CallOptions options, Object... args) {
        Class<?>[] types = new Class<?>[args.length];
        java.util.Arrays.fill(types, Object.class);
        return new RpcInvocation(KEY, method, types, args, String.class, null, options);
    }

    @Override
    public Class<?> type() {
        return Object.class;
    }

    @Override
    public ServiceKey serviceKey() {
        return KEY;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        throw new UnsupportedOperationException("a fake instance takes no calls");
    }

    @Override
    public String toString() {
        return endpoint.host();
    }
}
