package dev.ferry.cluster.loadbalance;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Smooth weighted round robin (the nginx algorithm, Dubbo's {@code roundrobin}): per service
 * method, every instance's running score grows by its weight (warm-up included) at each call,
 * the highest score takes the call and gives back the sum of all weights. Over any run of
 * {@code sum(weights)} calls each instance gets exactly its weight's share, spread out instead
 * of in bursts. An instance not seen for a minute is forgotten.
 */
@Extension("roundrobin")
public final class RoundRobinLoadBalance implements LoadBalance {

    private static final long RECYCLE_MILLIS = 60_000;

    private final BalancerSupport support;
    private final ConcurrentMap<String, ConcurrentMap<String, Score>> scores = new ConcurrentHashMap<>();

    public RoundRobinLoadBalance() {
        this.support = BalancerSupport.defaults();
    }

    /** A balancer reading warm-up against {@code clock} (epoch milliseconds). */
    public RoundRobinLoadBalance(LongSupplier clock) {
        this.support = new BalancerSupport(null, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        if (invokers.size() == 1) {
            return invokers.get(0);
        }
        String method = invocation.serviceKey() + "#" + invocation.methodName();
        ConcurrentMap<String, Score> byInstance = scores.computeIfAbsent(method, k -> new ConcurrentHashMap<>());
        long now = support.now();
        Invoker chosen = null;
        Score best = null;
        long total = 0;
        long bestValue = Long.MIN_VALUE;
        // The scores of one method move together: one lock per method keeps each round consistent.
        synchronized (byInstance) {
            for (Invoker invoker : invokers) {
                int weight = support.weight(invoker);
                Score s = byInstance.computeIfAbsent(invoker.endpoint().toString(), k -> new Score());
                if (s.weight != weight) {
                    s.weight = weight;
                    s.current = 0;
                }
                s.current += weight;
                s.seen = now;
                if (s.current > bestValue) {
                    bestValue = s.current;
                    best = s;
                    chosen = invoker;
                }
                total += weight;
            }
            if (byInstance.size() != invokers.size()) {
                byInstance.values().removeIf(s -> now - s.seen > RECYCLE_MILLIS);
            }
            if (best != null) {
                best.current -= total;
            }
        }
        return chosen != null ? chosen : invokers.get(0);
    }

    private static final class Score {
        int weight = -1;
        long current;
        long seen;
    }
}
