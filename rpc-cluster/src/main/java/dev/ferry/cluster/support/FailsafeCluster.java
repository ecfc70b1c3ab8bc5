package dev.ferry.cluster.support;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's {@code failsafe}: one attempt; when the call itself fails (no provider, timeout,
 * connection lost) the failure is logged and the caller gets the return type's empty value
 * (zero, empty collection, null). For calls whose outcome does not matter, such as audit
 * writes. A business exception the service threw is its answer and still reaches the caller.
 */
@Extension("failsafe")
public final class FailsafeCluster implements Cluster {

    private static final Logger log = LoggerFactory.getLogger(FailsafeCluster.class);

    private final ExtensionRegistry extensions;

    public FailsafeCluster() {
        this(ExtensionRegistry.shared());
    }

    public FailsafeCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new AbstractClusterInvoker("failsafe", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                CompletableFuture<Result> f;
                try {
                    f = call(loadBalance(invocation).select(directory.list(invocation), invocation), invocation);
                } catch (RpcException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                return f.handle((r, e) -> {
                    if (e == null) {
                        return r;
                    }
                    Throwable cause = unwrap(e);
                    log.warn("failsafe ignored the failure of {}: {}", RpcInvocation.describe(invocation), cause.toString());
                    return Result.value(EmptyValues.of(invocation.returnType()));
                });
            }
        };
    }
}
