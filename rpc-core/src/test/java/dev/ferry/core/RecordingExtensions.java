package dev.ferry.core;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.Side;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Extensions that record the order in which a call passes them. */
final class RecordingExtensions {

    static final List<String> TRAIL = new CopyOnWriteArrayList<>();

    private RecordingExtensions() {
    }

    @Extension(value = "record-cluster-filter", activeOn = Side.CONSUMER)
    static final class RecordingClusterFilter implements ClusterFilter {
        @Override
        public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
            TRAIL.add("cluster-filter");
            return next.invoke(invocation);
        }
    }

    @Extension(value = "record-router", activeOn = Side.CONSUMER)
    static final class RecordingRouter implements Router {
        @Override
        public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
            TRAIL.add("router");
            return invokers;
        }
    }

    /** Removes every instance when the call carries the attachment "block". */
    @Extension(value = "blocking-router", order = 10, activeOn = Side.CONSUMER)
    static final class BlockingRouter implements Router {
        @Override
        public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
            return invocation.options().get(dev.ferry.api.CallOptions.TAG).equals("block") ? List.of() : invokers;
        }
    }

    @Extension("record-lb")
    static final class RecordingLoadBalance implements LoadBalance {
        @Override
        public Invoker select(List<Invoker> invokers, Invocation invocation) {
            TRAIL.add("load-balance");
            return invokers.get(0);
        }
    }

    @Extension(value = "record-filter-b", order = 20, activeOn = Side.CONSUMER)
    static final class RecordingFilterB implements Filter {
        @Override
        public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
            TRAIL.add("filter-b");
            return next.invoke(invocation);
        }
    }

    @Extension(value = "record-filter-a", order = 10, activeOn = Side.CONSUMER)
    static final class RecordingFilterA implements Filter {
        @Override
        public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
            TRAIL.add("filter-a");
            return next.invoke(invocation);
        }
    }

    @Extension(value = "record-provider-filter", activeOn = Side.PROVIDER)
    static final class RecordingProviderFilter implements Filter {
        @Override
        public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
            TRAIL.add("provider-filter");
            return next.invoke(invocation).thenApply(r -> {
                r.attachments().put("served-by", "provider-filter");
                return r;
            });
        }
    }

    /** Picks with the load balancer the call names, once; enough to test the path in core. */
    @Extension("record-cluster")
    static final class RecordingCluster implements Cluster {
        private final dev.ferry.core.extension.ExtensionRegistry extensions;

        RecordingCluster(dev.ferry.core.extension.ExtensionRegistry extensions) {
            this.extensions = extensions;
        }

        @Override
        public Invoker join(Directory directory) {
            return new Invoker() {
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
                    return new Endpoint("cluster", "record", 0);
                }

                @Override
                public CompletableFuture<Result> invoke(Invocation invocation) {
                    TRAIL.add("cluster");
                    List<Invoker> list;
                    try {
                        list = directory.list(invocation);
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    LoadBalance lb = extensions.get(LoadBalance.class,
                            invocation.options().get(dev.ferry.api.CallOptions.LOAD_BALANCE));
                    return lb.select(list, invocation).invoke(invocation);
                }
            };
        }
    }
}
