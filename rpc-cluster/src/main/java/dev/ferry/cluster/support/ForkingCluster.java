package dev.ferry.cluster.support;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dubbo's {@code forking}: the call goes to {@link ClusterOptions#FORKS} (2) distinct instances
 * at once, chosen by the load balancer; the first to answer wins (its value or the service's own
 * exception), and the call fails only when every fork failed, with the last failure. For reads
 * where latency matters more than load. No thread waits: the forks are plain async calls.
 */
@Extension("forking")
public final class ForkingCluster implements Cluster {

    private final ExtensionRegistry extensions;

    public ForkingCluster() {
        this(ExtensionRegistry.shared());
    }

    public ForkingCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new AbstractClusterInvoker("forking", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                List<Invoker> candidates = directory.list(invocation);
                Integer forks = invocation.options().get(ClusterOptions.FORKS);
                List<Invoker> selected;
                if (forks == null || forks <= 0 || forks >= candidates.size()) {
                    selected = candidates;
                } else {
                    LoadBalance lb = loadBalance(invocation);
                    selected = new ArrayList<>(forks);
                    Set<Endpoint> chosen = new HashSet<>();
                    while (selected.size() < forks) {
                        Invoker i = select(lb, candidates, invocation, chosen);
                        if (chosen.add(i.endpoint())) {
                            selected.add(i);
                        } else {
                            // A balancer that keeps returning a chosen one (all were excluded): take the rest in order.
                            for (Invoker c : candidates) {
                                if (selected.size() < forks && chosen.add(c.endpoint())) {
                                    selected.add(c);
                                }
                            }
                        }
                    }
                }
                CompletableFuture<Result> out = new CompletableFuture<>();
                AtomicInteger failures = new AtomicInteger();
                for (Invoker i : selected) {
                    call(i, invocation).whenComplete((r, e) -> {
                        if (e == null) {
                            out.complete(r);
                        } else if (failures.incrementAndGet() == selected.size()) {
                            Throwable cause = unwrap(e);
                            RpcException.Code code = cause instanceof RpcException re ? re.code() : RpcException.Code.CLIENT_ERROR;
                            out.completeExceptionally(new RpcException(code, "forking call " + RpcInvocation.describe(invocation)
                                    + " failed on all " + selected.size() + " instance(s) "
                                    + selected.stream().map(x -> x.endpoint().address()).toList()
                                    + "; last failure: " + cause.getMessage(), cause));
                        }
                    });
                }
                return out;
            }
        };
    }
}
