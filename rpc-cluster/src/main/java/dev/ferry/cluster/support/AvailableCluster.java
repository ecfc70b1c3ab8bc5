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

import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's {@code available}: the first instance in directory order that is available takes the
 * call, with no load balancing and no retry. For an ordered list of fallbacks.
 */
@Extension("available")
public final class AvailableCluster implements Cluster {

    private final ExtensionRegistry extensions;

    public AvailableCluster() {
        this(ExtensionRegistry.shared());
    }

    public AvailableCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new AbstractClusterInvoker("available", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                for (Invoker i : directory.list(invocation)) {
                    if (i.isAvailable()) {
                        return call(i, invocation);
                    }
                }
                throw new RpcException(RpcException.Code.SERVICE_NOT_FOUND, "no available provider for "
                        + RpcInvocation.describe(invocation));
            }
        };
    }
}
