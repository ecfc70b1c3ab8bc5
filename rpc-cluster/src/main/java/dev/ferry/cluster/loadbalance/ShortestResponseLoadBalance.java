package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.stats.CallStats;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Dubbo's {@code shortestresponse}: the instance with the lowest expected wait, estimated as
 * its average successful response time over the sliding window
 * ({@link ClusterOptions#SLIDE_WINDOW}, 30 s) times its calls in flight plus one; ties are
 * broken at random by weight. An instance with no successful call in the window estimates 0 and
 * so gets probed. The window really slides (one-second buckets), where Dubbo resets its
 * counters every period, and the counters exist for every call without configuration.
 */
@Extension("shortestresponse")
public final class ShortestResponseLoadBalance implements LoadBalance {

    private final CallStats stats;
    private final BalancerSupport support;

    public ShortestResponseLoadBalance() {
        this.stats = CallStats.shared();
        this.support = BalancerSupport.defaults();
    }

    /** A balancer over {@code stats} with its own random source and wall clock (epoch ms), for tests. */
    public ShortestResponseLoadBalance(CallStats stats, RandomGenerator random, LongSupplier clock) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.support = new BalancerSupport(Objects.requireNonNull(random, "random"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        Duration window = invocation.options().get(ClusterOptions.SLIDE_WINDOW);
        if (window == null || window.isNegative() || window.isZero()) {
            window = ClusterOptions.SLIDE_WINDOW.defaultValue();
        }
        long shortest = Long.MAX_VALUE;
        int count = 0;
        int[] indexes = new int[n];
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            Invoker invoker = invokers.get(i);
            var s = stats.of(invoker, invocation);
            long average = s.averageSucceededNanos(window);
            long estimate = average > Long.MAX_VALUE / (s.active() + 1L) ? Long.MAX_VALUE : average * (s.active() + 1L);
            weights[i] = support.weight(invoker);
            if (estimate < shortest) {
                shortest = estimate;
                count = 0;
            }
            if (estimate == shortest) {
                indexes[count++] = i;
            }
        }
        return support.pick(invokers, indexes, count, weights);
    }
}
