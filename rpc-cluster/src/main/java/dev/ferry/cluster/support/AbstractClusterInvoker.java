package dev.ferry.cluster.support;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.core.extension.ExtensionRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every strategy's invoker shares: identity from its directory, the call's load balancer by
 * name, Dubbo's selection that avoids instances already tried, and the async contract (a
 * strategy never throws: it fails its future).
 */
abstract class AbstractClusterInvoker implements Invoker {

    protected final Directory directory;
    protected final ExtensionRegistry extensions;
    private final Endpoint endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    AbstractClusterInvoker(String strategy, Directory directory, ExtensionRegistry extensions) {
        this.directory = directory;
        this.extensions = extensions;
        this.endpoint = new Endpoint("cluster", strategy, 0);
    }

    @Override
    public final CompletableFuture<Result> invoke(Invocation invocation) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR, "the reference to "
                    + directory.serviceKey() + " is closed"));
        }
        try {
            CompletableFuture<Result> f = doInvoke(invocation);
            return f != null ? f : CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR,
                    endpoint.host() + " cluster returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The strategy itself; may throw, which fails the call. */
    protected abstract CompletableFuture<Result> doInvoke(Invocation invocation);

    /** The load balancer the call names. */
    protected LoadBalance loadBalance(Invocation invocation) {
        String name = invocation.options().get(CallOptions.LOAD_BALANCE);
        try {
            return extensions.get(LoadBalance.class, name);
        } catch (IllegalArgumentException e) {
            throw new RpcException(Code.CLIENT_ERROR, e.getMessage(), e);
        }
    }

    /**
     * An instance chosen by {@code lb}, preferring those not in {@code excluded} (compared by
     * endpoint) and falling back to all candidates when every one was excluded, as Dubbo's
     * reselection does.
     */
    protected static Invoker select(LoadBalance lb, List<Invoker> candidates, Invocation invocation,
                                    Collection<Endpoint> excluded) {
        if (candidates.size() == 1 || excluded.isEmpty()) {
            return lb.select(candidates, invocation);
        }
        List<Invoker> fresh = new ArrayList<>(candidates.size());
        for (Invoker i : candidates) {
            if (!excluded.contains(i.endpoint())) {
                fresh.add(i);
            }
        }
        return lb.select(fresh.isEmpty() ? candidates : fresh, invocation);
    }

    /** {@code invoker.invoke}, with a synchronous throw turned into a failed future. */
    protected static CompletableFuture<Result> call(Invoker invoker, Invocation invocation) {
        try {
            CompletableFuture<Result> f = invoker.invoke(invocation);
            return f != null ? f : CompletableFuture.failedFuture(new RpcException(Code.CLIENT_ERROR,
                    "invoker " + invoker.endpoint() + " returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The failure itself, without the wrappers futures add. */
    protected static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public Class<?> type() {
        return directory.type();
    }

    @Override
    public ServiceKey serviceKey() {
        return directory.serviceKey();
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public boolean isAvailable() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose();
            directory.close();
        }
    }

    /** Releases what the strategy holds beyond its directory. */
    protected void onClose() {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + directory.serviceKey() + "}";
    }
}
