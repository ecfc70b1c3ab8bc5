package dev.ferry.core.injvm;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Protocol;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.invoker.InstanceInvoker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls services exported in the same JVM directly, with no codec: arguments and results are
 * passed by reference. The whole invocation path except the transport runs, which makes it
 * the protocol for fast tests of filters, routers and clusters.
 */
@Extension("injvm")
public final class InJvmProtocol implements Protocol {

    /** The endpoint every in-JVM reference points at. */
    public static final Endpoint LOCAL = new Endpoint("injvm", "localhost", 0);

    private final Map<ServiceKey, Invoker> exported = new ConcurrentHashMap<>();

    @Override
    public Exporter export(Invoker implementation, ExportOptions options) {
        ServiceKey key = implementation.serviceKey();
        if (exported.putIfAbsent(key, implementation) != null) {
            throw new IllegalStateException("service " + key + " is already exported in this JVM");
        }
        return new Exporter() {
            @Override
            public Endpoint endpoint() {
                return LOCAL;
            }

            @Override
            public void unexport() {
                exported.remove(key, implementation);
            }
        };
    }

    @Override
    public Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint) {
        return new InstanceInvoker(type, key, LOCAL) {
            @Override
            public CompletableFuture<Result> invoke(Invocation invocation) {
                Invoker target = exported.get(key);
                if (target == null) {
                    return CompletableFuture.failedFuture(new RpcException(Code.SERVICE_NOT_FOUND,
                            "call " + RpcInvocation.describe(invocation) + " to " + LOCAL
                                    + " failed: no such service is exported in this JVM"));
                }
                return target.invoke(invocation);
            }

            @Override
            public boolean isAvailable() {
                return exported.containsKey(key);
            }
        };
    }

    @Override
    public List<Endpoint> endpoints(ServiceKey key) {
        return List.of(LOCAL);
    }

    @Override
    public void close() {
        exported.clear();
    }
}
