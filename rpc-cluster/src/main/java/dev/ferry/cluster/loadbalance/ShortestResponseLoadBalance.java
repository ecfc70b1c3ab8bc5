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
        if (invokers.size() == 1) {
            return invokers.get(0);
        }
        Duration configured = invocation.options().get(ClusterOptions.SLIDE_WINDOW);
        Duration window = configured == null || configured.isNegative() || configured.isZero()
                ? ClusterOptions.SLIDE_WINDOW.defaultValue() : configured;
        return support.lowest(invokers, invoker -> {
            var s = stats.of(invoker, invocation);
            long average = s.averageSucceededNanos(window);
            // The estimated wait: the average response time times the calls ahead, plus this one.
            return average > Long.MAX_VALUE / (s.active() + 1L) ? Long.MAX_VALUE : average * (s.active() + 1L);
        });
    }
}
