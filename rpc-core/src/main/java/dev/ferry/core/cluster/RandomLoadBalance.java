package dev.ferry.core.cluster;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks an instance at random in proportion to its weight (the {@code weight} endpoint
 * parameter, 100 when absent). Equal weights take the cheap uniform path.
 */
@Extension("random")
public final class RandomLoadBalance implements LoadBalance {

    static final int DEFAULT_WEIGHT = 100;

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        int[] weights = new int[n];
        int total = 0;
        boolean same = true;
        for (int i = 0; i < n; i++) {
            weights[i] = weightOf(invokers.get(i).endpoint());
            total += weights[i];
            same &= weights[i] == weights[0];
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (same || total <= 0) {
            return invokers.get(random.nextInt(n));
        }
        int offset = random.nextInt(total);
        for (int i = 0; i < n; i++) {
            offset -= weights[i];
            if (offset < 0) {
                return invokers.get(i);
            }
        }
        return invokers.get(n - 1);
    }

    static int weightOf(Endpoint endpoint) {
        String w = endpoint.parameters().get(Endpoint.WEIGHT);
        if (w == null) {
            return DEFAULT_WEIGHT;
        }
        try {
            return Math.max(0, Integer.parseInt(w));
        } catch (NumberFormatException e) {
            return DEFAULT_WEIGHT;
        }
    }
}
