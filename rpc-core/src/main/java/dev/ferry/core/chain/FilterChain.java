package dev.ferry.core.chain;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Filter;
import dev.ferry.core.invoker.ForwardingInvoker;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps an invoker in a chain of filters: the first filter in the list runs first and the
 * target runs last. The wrapped invoker keeps the target's identity (type, key, endpoint).
 */
public final class FilterChain {

    private FilterChain() {
    }

    /** {@code target} behind the per-instance {@link Filter}s. */
    public static Invoker of(Invoker target, List<? extends Filter> filters) {
        Invoker next = target;
        for (int i = filters.size() - 1; i >= 0; i--) {
            Filter f = filters.get(i);
            next = new Link(target, next, f::invoke);
        }
        return next;
    }

    /** {@code target} (a cluster invoker) behind the {@link ClusterFilter}s. */
    public static Invoker ofCluster(Invoker target, List<? extends ClusterFilter> filters) {
        Invoker next = target;
        for (int i = filters.size() - 1; i >= 0; i--) {
            ClusterFilter f = filters.get(i);
            next = new Link(target, next, f::invoke);
        }
        return next;
    }

    private interface Step {
        CompletableFuture<Result> invoke(Invocation invocation, Invoker next);
    }

    private static final class Link extends ForwardingInvoker {
        private final Invoker next;
        private final Step step;

        Link(Invoker target, Invoker next, Step step) {
            super(target);
            this.next = next;
            this.step = step;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            try {
                CompletableFuture<Result> f = step.invoke(invocation, next);
                return f != null ? f : CompletableFuture.failedFuture(new RpcException(RpcException.Code.CLIENT_ERROR,
                        "a filter returned no future for " + invocation.serviceKey() + "#" + invocation.methodName()));
            } catch (RuntimeException | Error e) {
                // A filter that throws instead of failing its future must not escape the async contract.
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
