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
        return support.lowest(invokers, invoker -> stats.of(invoker, invocation).active());
    }
}
