package dev.ferry.cluster.support;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.core.extension.ExtensionRegistry;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's {@code failfast}: one attempt on one instance chosen by the load balancer; any failure
 * goes straight to the caller. For calls that must not run twice (writes that are not
 * idempotent).
 */
@Extension("failfast")
public final class FailfastCluster implements Cluster {

    private final ExtensionRegistry extensions;

    public FailfastCluster() {
        this(ExtensionRegistry.shared());
    }

    public FailfastCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new AbstractClusterInvoker("failfast", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                List<Invoker> candidates = directory.list(invocation);
                return call(loadBalance(invocation).select(candidates, invocation), invocation);
            }
        };
    }
}
