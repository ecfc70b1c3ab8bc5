package dev.ferry.cluster.support;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.merger.Mergers;
import dev.ferry.core.codec.Types;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Dubbo's {@code mergeable}: the call goes to every instance at once and their results are
 * merged into one by the {@link dev.ferry.api.spi.Merger} that {@link ClusterOptions#MERGER}
 * names ({@code auto}: by return type). As in Dubbo, an instance whose service threw is logged
 * and left out of the merge, and a failure of the call on any instance fails the whole call
 * (a merge silently missing an instance's share would look complete). One result is returned
 * as it is; none (or a {@code void} method) gives null. Unlike Dubbo, when every instance
 * threw, the caller gets the first exception instead of a null.
 */
@Extension("mergeable")
public final class MergeableCluster implements Cluster {

    private static final Logger log = LoggerFactory.getLogger(MergeableCluster.class);

    private final ExtensionRegistry extensions;

    public MergeableCluster() {
        this(ExtensionRegistry.shared());
    }

    public MergeableCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        Mergers mergers = new Mergers(extensions);
        return new AbstractClusterInvoker("mergeable", directory, extensions) {
            @Override
            protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                List<Invoker> all = directory.list(invocation);
                List<CompletableFuture<Result>> calls = new ArrayList<>(all.size());
                for (Invoker i : all) {
                    calls.add(call(i, invocation));
                }
                return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                        .handle((ignored, error) -> merge(invocation, all, calls));
            }

            private Result merge(Invocation invocation, List<Invoker> all, List<CompletableFuture<Result>> calls) {
                List<Object> values = new ArrayList<>(calls.size());
                Result firstBusiness = null;
                for (int i = 0; i < calls.size(); i++) {
                    CompletableFuture<Result> c = calls.get(i);
                    Result r;
                    try {
                        r = c.join();
                    } catch (RuntimeException e) {
                        Throwable cause = unwrap(e);
                        RpcException.Code code = cause instanceof RpcException re ? re.code() : RpcException.Code.CLIENT_ERROR;
                        throw new RpcException(code, "mergeable call " + RpcInvocation.describe(invocation) + " failed on "
                                + all.get(i).endpoint() + ": " + cause.getMessage(), cause);
                    }
                    if (r.hasException()) {
                        log.warn("mergeable: {} threw on {}; left out of the merge: {}", RpcInvocation.describe(invocation),
                                all.get(i).endpoint(), r.exception().toString());
                        firstBusiness = firstBusiness == null ? r : firstBusiness;
                    } else if (r.value() != null) {
                        values.add(r.value());
                    }
                }
                Class<?> raw = Types.raw(invocation.returnType());
                if (values.isEmpty()) {
                    return firstBusiness != null ? firstBusiness : Result.value(Types.zero(raw));
                }
                if (raw == void.class || raw == Void.class) {
                    return Result.value(null);
                }
                if (values.size() == 1) {
                    return Result.value(values.get(0));
                }
                try {
                    return Result.value(mergers.merge(invocation.options().get(ClusterOptions.MERGER), invocation.returnType(), values));
                } catch (RuntimeException e) {
                    throw new RpcException(RpcException.Code.CLIENT_ERROR, "cannot merge the results of "
                            + RpcInvocation.describe(invocation) + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
