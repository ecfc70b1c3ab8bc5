package dev.ferry.cluster.support;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's {@code broadcast}: the call goes to every instance, one after another; a failure
 * (of the call, or an exception the service threw) does not stop it until the failed share
 * reaches {@link ClusterOptions#BROADCAST_FAIL_PERCENT} (100: never). The caller gets the last
 * failure when there was one (a service exception as itself, a call failure as an
 * {@link RpcException}), else the last result. For notifying every instance (cache refresh).
 *
 * <p>Unlike Dubbo, a fail percentage of 0 does stop at the first failure, and one outside
 * 0..100 is refused rather than quietly replaced by 100.
 */
@Extension("broadcast")
public final class BroadcastCluster implements Cluster {

    private static final Logger log = LoggerFactory.getLogger(BroadcastCluster.class);

    private final ExtensionRegistry extensions;

    public BroadcastCluster() {
        this(ExtensionRegistry.shared());
    }

    public BroadcastCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new AbstractClusterInvoker("broadcast", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                Integer percent = invocation.options().get(ClusterOptions.BROADCAST_FAIL_PERCENT);
                if (percent == null || percent < 0 || percent > 100) {
                    throw new RpcException(RpcException.Code.CLIENT_ERROR, "broadcast.fail.percent must be 0..100, was " + percent);
                }
                List<Invoker> all = directory.list(invocation);
                int threshold = Math.max(1, all.size() * percent / 100);
                CompletableFuture<Result> out = new CompletableFuture<>();
                next(all, 0, invocation, threshold, 0, null, null, out);
                return out;
            }

            // lastFailure is the most recent failure: a Throwable, or a Result holding the service's exception.
            private void next(List<Invoker> all, int index, Invocation invocation, int threshold, int failures,
                              Result lastResult, Object lastFailure, CompletableFuture<Result> out) {
                if (index == all.size() || failures >= threshold) {
                    if (lastFailure instanceof Result business) {
                        out.complete(business);
                    } else if (lastFailure instanceof Throwable t) {
                        out.completeExceptionally(t);
                    } else {
                        out.complete(lastResult);
                    }
                    return;
                }
                Invoker target = all.get(index);
                call(target, invocation).whenComplete((r, e) -> {
                    if (e == null && !r.hasException()) {
                        next(all, index + 1, invocation, threshold, failures, r, lastFailure, out);
                        return;
                    }
                    Throwable failure = e != null ? unwrap(e) : r.exception();
                    log.warn("broadcast of {} to {} failed: {}", RpcInvocation.describe(invocation), target.endpoint(), failure.toString());
                    next(all, index + 1, invocation, threshold, failures + 1, lastResult, e != null ? failure : r, out);
                });
            }
        };
    }
}
