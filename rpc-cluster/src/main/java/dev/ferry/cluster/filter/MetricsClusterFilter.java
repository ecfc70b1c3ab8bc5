package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.stats.CallMetrics;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Consumer-side per-method metrics ({@link CallMetrics}): every call once, as the caller sees it,
 * retries included. Active by default, first in the chain.
 */
@Extension(value = "metrics", order = -10_000, activeOn = Side.CONSUMER)
public final class MetricsClusterFilter implements ClusterFilter {

    private final CallMetrics metrics;

    public MetricsClusterFilter() {
        this(CallMetrics.shared());
    }

    public MetricsClusterFilter(CallMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        return MetricsRecorder.record(metrics, Side.CONSUMER, invocation, next);
    }
}
