package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invoker;
import dev.ferry.core.cluster.Weights;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
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
