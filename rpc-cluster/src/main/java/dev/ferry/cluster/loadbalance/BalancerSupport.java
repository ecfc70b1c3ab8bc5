package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invoker;
import dev.ferry.core.cluster.Weights;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/** What the weighted balancers share: the random source, the wall clock for warm-up, a weighted pick. */
final class BalancerSupport {

    private final RandomGenerator random;
    private final LongSupplier clock;

    /** {@code random} null means {@link ThreadLocalRandom} on the calling thread. */
    BalancerSupport(RandomGenerator random, LongSupplier clock) {
        this.random = random;
        this.clock = clock;
    }

    static BalancerSupport defaults() {
        return new BalancerSupport(null, System::currentTimeMillis);
    }

    RandomGenerator random() {
        return random != null ? random : ThreadLocalRandom.current();
    }

    long now() {
        return clock.getAsLong();
    }

    int weight(Invoker invoker) {
        return Weights.of(invoker.endpoint(), now());
    }

    /**
     * One of the instances with the lowest {@code score}, ties broken at random by weight
     * (warm-up included): what the balancers that rank instances by a statistic share.
     */
    Invoker lowest(List<Invoker> invokers, ToLongFunction<Invoker> score) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        long lowest = Long.MAX_VALUE;
        int count = 0;
        int[] indexes = new int[n];
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            Invoker invoker = invokers.get(i);
            long s = score.applyAsLong(invoker);
            weights[i] = weight(invoker);
            if (s < lowest) {
                lowest = s;
                count = 0;
            }
            if (s == lowest) {
                indexes[count++] = i;
            }
        }
        return pick(invokers, indexes, count, weights);
    }

    /**
     * One of the first {@code count} entries of {@code indexes} into {@code invokers}, at random
     * in proportion to {@code weights[index]}; uniform when the weights are all equal or all 0.
     */
    Invoker pick(List<Invoker> invokers, int[] indexes, int count, int[] weights) {
        if (count == 1) {
            return invokers.get(indexes[0]);
        }
        long total = 0;
        boolean same = true;
        int first = weights[indexes[0]];
        for (int i = 0; i < count; i++) {
            int w = weights[indexes[i]];
            total += w;
            same &= w == first;
        }
        RandomGenerator r = random();
        if (!same && total > 0) {
            long offset = r.nextLong(total);
            for (int i = 0; i < count; i++) {
                offset -= weights[indexes[i]];
                if (offset < 0) {
                    return invokers.get(indexes[i]);
                }
            }
        }
        return invokers.get(indexes[r.nextInt(count)]);
    }
}
