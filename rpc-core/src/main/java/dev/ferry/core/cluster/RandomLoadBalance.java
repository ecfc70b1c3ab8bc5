package dev.ferry.core.cluster;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Picks an instance at random in proportion to its {@link Weights weight}, warm-up included
 * (Dubbo's {@code random}, the default). Equal weights take the cheap uniform path; when every
 * weight is 0 the choice is uniform too.
 */
@Extension("random")
public final class RandomLoadBalance implements LoadBalance {

    private final RandomGenerator random;
    private final LongSupplier clock;

    /** Uses {@link ThreadLocalRandom} and the system clock. */
    public RandomLoadBalance() {
        this.random = null;
        this.clock = System::currentTimeMillis;
    }

    /**
     * A balancer with its own random source and clock (epoch milliseconds), for reproducible
     * choices. {@code random} must be safe for the threads that use this balancer.
     */
    public RandomLoadBalance(RandomGenerator random, LongSupplier clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        long now = clock.getAsLong();
        int[] weights = new int[n];
        long total = 0;
        boolean same = true;
        for (int i = 0; i < n; i++) {
            weights[i] = Weights.of(invokers.get(i).endpoint(), now);
            total += weights[i];
            same &= weights[i] == weights[0];
        }
        if (same || total <= 0) {
            return invokers.get(r.nextInt(n));
        }
        long offset = r.nextLong(total);
        for (int i = 0; i < n; i++) {
            offset -= weights[i];
            if (offset < 0) {
                return invokers.get(i);
            }
        }
        return invokers.get(n - 1);
    }
}
