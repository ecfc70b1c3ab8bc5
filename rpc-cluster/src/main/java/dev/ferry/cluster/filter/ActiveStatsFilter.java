package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.stats.CallStats;
import dev.ferry.cluster.stats.MethodStats;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Counts every call a consumer sends to each provider instance into {@link CallStats}: in
 * flight while it runs, then success (a value or the service's own exception) or failure, with
 * its response time. Active on every consumer by default and first in the per-instance chain,
 * so the balancers that read these counters need no configuration.
 */
@Extension(value = "activestats", order = -10_000, activeOn = Side.CONSUMER)
public final class ActiveStatsFilter implements Filter {

    private final CallStats stats;

    /** Records into {@link CallStats#shared()}. */
    public ActiveStatsFilter() {
        this(CallStats.shared());
    }

    /** Records into {@code stats}. */
    public ActiveStatsFilter(CallStats stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        MethodStats s = stats.of(next, invocation);
        long start = s.begin();
        CompletableFuture<Result> f;
        try {
            f = next.invoke(invocation);
        } catch (RuntimeException | Error e) {
            s.end(start, false);
            throw e;
        }
        if (f == null) {
            s.end(start, false);
            return null;
        }
        return f.whenComplete((r, e) -> s.end(start, e == null));
    }
}
