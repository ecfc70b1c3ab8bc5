package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.stats.CallStats;
import dev.ferry.cluster.stats.MethodStats;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices ({@code adaptive}, Dubbo's name for its P2C balancer): two distinct
 * instances are drawn at random and the one with the lower load takes the call. Load is the
 * instance's peak-sensitive moving average of response times (failures count as at least a
 * second) times its calls in flight plus one, divided by its weight (warm-up included); equal
 * loads are decided at random by weight. Unlike Dubbo's, it needs nothing from the provider:
 * every number comes from the consumer's own {@link CallStats}.
 */
@Extension("adaptive")
public final class AdaptiveLoadBalance implements LoadBalance {

    private final CallStats stats;
    private final BalancerSupport support;

    public AdaptiveLoadBalance() {
        this.stats = CallStats.shared();
        this.support = BalancerSupport.defaults();
    }

    /** A balancer over {@code stats} with its own random source and wall clock (epoch ms), for tests. */
    public AdaptiveLoadBalance(CallStats stats, RandomGenerator random, LongSupplier clock) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.support = new BalancerSupport(Objects.requireNonNull(random, "random"), Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        RandomGenerator r = support.random();
        int a = n == 2 ? 0 : r.nextInt(n);
        int b = n == 2 ? 1 : r.nextInt(n - 1);
        if (n > 2 && b >= a) {
            b++;
        }
        Invoker first = invokers.get(a);
        Invoker second = invokers.get(b);
        int wa = support.weight(first);
        int wb = support.weight(second);
        double la = load(stats.of(first, invocation), wa);
        double lb = load(stats.of(second, invocation), wb);
        if (la == lb) {
            return support.pick(invokers, new int[]{a, b}, 2, weightsAt(n, a, wa, b, wb));
        }
        return la < lb ? first : second;
    }

    private static double load(MethodStats s, int weight) {
        if (weight <= 0) {
            return Double.MAX_VALUE;
        }
        // A microsecond floor keeps calls in flight counting before any response time is known.
        return (s.latencyEwmaNanos() + 1_000) * (s.active() + 1) / weight;
    }

    private static int[] weightsAt(int n, int a, int wa, int b, int wb) {
        int[] w = new int[n];
        w[a] = wa;
        w[b] = wb;
        return w;
    }
}
