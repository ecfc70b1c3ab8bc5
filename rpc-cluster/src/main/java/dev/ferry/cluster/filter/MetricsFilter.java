package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.stats.CallMetrics;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Provider-side per-method metrics ({@link CallMetrics}): every call served, timed from the
 * filter chain to the service's answer. Active by default, first in the chain.
 */
@Extension(value = "metrics", order = -10_000, activeOn = Side.PROVIDER)
public final class MetricsFilter implements Filter {

    private final CallMetrics metrics;

    public MetricsFilter() {
        this(CallMetrics.shared());
    }

    public MetricsFilter(CallMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        return MetricsRecorder.record(metrics, Side.PROVIDER, invocation, next);
    }
}
