package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.stats.CallStats;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Dubbo's {@code leastactive}: the instance with the fewest calls in flight from this consumer
 * for the method; ties are broken at random by weight (warm-up included). The counts come from
 * {@link CallStats}, which the default {@code activestats} filter keeps for every call, so
 * nothing needs configuring (in Dubbo the counts exist only where {@code actives} is set, and
 * this balancer silently degrades to random otherwise).
 */
@Extension("leastactive")
public final class LeastActiveLoadBalance implements LoadBalance {

    private final CallStats stats;
    private final BalancerSupport support;

    public LeastActiveLoadBalance() {
        this.stats = CallStats.shared();
        this.support = BalancerSupport.defaults();
    }

    /** A balancer over {@code stats} with its own random source and wall clock (epoch ms), for tests. */
    public LeastActiveLoadBalance(CallStats stats, RandomGenerator random, LongSupplier clock) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.support = new BalancerSupport(Objects.requireNonNull(random, "random"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        int least = Integer.MAX_VALUE;
        int count = 0;
        int[] indexes = new int[n];
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            Invoker invoker = invokers.get(i);
            int active = stats.of(invoker, invocation).active();
            weights[i] = support.weight(invoker);
            if (active < least) {
                least = active;
                count = 0;
            }
            if (active == least) {
                indexes[count++] = i;
            }
        }
        return support.pick(invokers, indexes, count, weights);
    }
}
