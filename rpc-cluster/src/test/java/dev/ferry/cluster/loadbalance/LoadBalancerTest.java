package dev.ferry.cluster.loadbalance;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.FakeInvoker;
import dev.ferry.cluster.stats.CallStats;
import dev.ferry.cluster.stats.MethodStats;
import dev.ferry.core.cluster.RandomLoadBalance;
import dev.ferry.core.cluster.Weights;
import dev.ferry.core.extension.ExtensionRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every balancer's choices against its intended shares, with fixed seeds and clocks. Tolerances
 * are stated per test: for N draws of a share p the standard deviation is sqrt(p(1-p)/N), and
 * each tolerance is at least four of those.
 */
class LoadBalancerTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final Invocation CALL = FakeInvoker.call("get", CallOptions.DEFAULT, "k");

    private static Map<Invoker, Integer> draw(LoadBalance lb, List<Invoker> invokers, Invocation call, int n) {
        Map<Invoker, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(lb.select(invokers, call), 1, Integer::sum);
        }
        return counts;
    }

    private static double share(Map<Invoker, Integer> counts, Invoker i, int n) {
        return counts.getOrDefault(i, 0) / (double) n;
    }

    private static FakeInvoker weighted(String host, int weight) {
        return FakeInvoker.at(host, Map.of(Endpoint.WEIGHT, String.valueOf(weight)));
    }

    @Test
    void everyBalancerIsFoundByName() {
        ExtensionRegistry ext = ExtensionRegistry.shared();
        assertInstanceOf(RoundRobinLoadBalance.class, ext.get(LoadBalance.class, "roundrobin"));
        assertInstanceOf(LeastActiveLoadBalance.class, ext.get(LoadBalance.class, "leastactive"));
        assertInstanceOf(ShortestResponseLoadBalance.class, ext.get(LoadBalance.class, "shortestresponse"));
        assertInstanceOf(ConsistentHashLoadBalance.class, ext.get(LoadBalance.class, "consistenthash"));
        assertInstanceOf(AdaptiveLoadBalance.class, ext.get(LoadBalance.class, "adaptive"));
        assertInstanceOf(RandomLoadBalance.class, ext.get(LoadBalance.class, "random"));
    }

    // ------------------------------------------------------------------ random with warm-up

    @Test
    void randomRampsAWarmingInstanceUpAsDubboDoes() {
        // Up 60 s of a 600 s warm-up with weight 100: 60000 / (600000 / 100) = 10.
        FakeInvoker warming = FakeInvoker.at("warming", Map.of(Weights.TIMESTAMP, String.valueOf(NOW - 60_000),
                Weights.WARMUP, "600000"));
        FakeInvoker warm = FakeInvoker.at("warm");
        assertEquals(10, Weights.of(warming.endpoint(), NOW));
        RandomLoadBalance lb = new RandomLoadBalance(new SplittableRandom(42), () -> NOW);
        int n = 100_000;
        Map<Invoker, Integer> counts = draw(lb, List.of(warming, warm), CALL, n);
        assertEquals(10 / 110.0, share(counts, warming, n), 0.006);
        // Default warm-up is 10 minutes: 5 minutes up is half the weight.
        FakeInvoker half = FakeInvoker.at("half", Map.of(Weights.TIMESTAMP, String.valueOf(NOW - 300_000)));
        assertEquals(50, Weights.of(half.endpoint(), NOW));
        counts = draw(lb, List.of(half, warm), CALL, n);
        assertEquals(50 / 150.0, share(counts, half, n), 0.008);
    }

    @Test
    void warmupEdgesFollowDubbo() {
        Endpoint future = new Endpoint("dubbo", "h", 1, Map.of(Weights.TIMESTAMP, String.valueOf(NOW + 5_000)));
        assertEquals(1, Weights.of(future, NOW), "a start in the future counts as just started");
        Endpoint justStarted = new Endpoint("dubbo", "h", 1, Map.of(Weights.TIMESTAMP, String.valueOf(NOW - 1)));
        assertEquals(1, Weights.of(justStarted, NOW), "at least 1");
        Endpoint done = new Endpoint("dubbo", "h", 1, Map.of(Weights.TIMESTAMP, String.valueOf(NOW - 700_000)));
        assertEquals(100, Weights.of(done, NOW));
        Endpoint zero = new Endpoint("dubbo", "h", 1, Map.of(Endpoint.WEIGHT, "0", Weights.TIMESTAMP, String.valueOf(NOW - 1)));
        assertEquals(0, Weights.of(zero, NOW), "weight 0 stays 0 during warm-up");
        Endpoint garbage = new Endpoint("dubbo", "h", 1, Map.of(Endpoint.WEIGHT, "heavy", Weights.TIMESTAMP, "yesterday",
                Weights.WARMUP, "-5"));
        assertEquals(100, Weights.of(garbage, NOW), "malformed parameters fall back to the defaults");
        Endpoint negative = new Endpoint("dubbo", "h", 1, Map.of(Endpoint.WEIGHT, "-7"));
        assertEquals(0, Weights.of(negative, NOW));
        Endpoint huge = new Endpoint("dubbo", "h", 1, Map.of(Endpoint.WEIGHT, "99999999999999"));
        assertEquals(Integer.MAX_VALUE, Weights.of(huge, NOW));
    }

    @Test
    void randomWithSeedRepeatsItself() {
        List<Invoker> invokers = List.of(weighted("a", 1), weighted("b", 2), weighted("c", 3));
        List<Invoker> first = new ArrayList<>();
        List<Invoker> second = new ArrayList<>();
        RandomLoadBalance one = new RandomLoadBalance(new SplittableRandom(7), () -> NOW);
        RandomLoadBalance two = new RandomLoadBalance(new SplittableRandom(7), () -> NOW);
        for (int i = 0; i < 50; i++) {
            first.add(one.select(invokers, CALL));
            second.add(two.select(invokers, CALL));
        }
        assertEquals(first, second);
    }

    // ------------------------------------------------------------------ round robin

    @Test
    void roundRobinGivesExactSharesSmoothly() {
        Invoker a = weighted("a", 5);
        Invoker b = weighted("b", 1);
        Invoker c = weighted("c", 1);
        List<Invoker> invokers = List.of(a, b, c);
        RoundRobinLoadBalance lb = new RoundRobinLoadBalance(() -> NOW);
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sequence.add(lb.select(invokers, CALL).endpoint().host());
        }
        // nginx's smooth sequence for 5:1:1 spreads b and c instead of a a a a a b c.
        assertEquals(List.of("a", "a", "b", "a", "c", "a", "a"), sequence);
        Map<Invoker, Integer> counts = draw(lb, invokers, CALL, 7000);
        assertEquals(5000, counts.get(a));
        assertEquals(1000, counts.get(b));
        assertEquals(1000, counts.get(c));
    }

    @Test
    void roundRobinKeepsMethodsApartAndFollowsWarmUp() {
        Invoker a = FakeInvoker.at("a");
        Invoker warming = FakeInvoker.at("w", Map.of(Weights.TIMESTAMP, String.valueOf(NOW - 60_000)));
        // 60 s of 600 s: weight 10 against 100.
        RoundRobinLoadBalance lb = new RoundRobinLoadBalance(() -> NOW);
        Map<Invoker, Integer> counts = draw(lb, List.of(a, warming), CALL, 1100);
        assertEquals(100, counts.get(warming));
        Invocation other = FakeInvoker.call("put", CallOptions.DEFAULT, "k");
        assertSame(a, lb.select(List.of(a, warming), other), "a new method starts its own round");
    }

    // ------------------------------------------------------------------ least active

    @Test
    void leastActivePicksTheLeastBusyAndBreaksTiesByWeight() {
        CallStats stats = new CallStats(new AtomicLong()::get);
        Invoker busy = weighted("busy", 100);
        Invoker idle1 = weighted("idle1", 100);
        Invoker idle3 = weighted("idle3", 300);
        for (int i = 0; i < 3; i++) {
            stats.of(busy, CALL).begin();
        }
        stats.of(idle1, CALL).begin();
        stats.of(idle3, CALL).begin();
        LeastActiveLoadBalance lb = new LeastActiveLoadBalance(stats, new SplittableRandom(1), () -> NOW);
        int n = 40_000;
        Map<Invoker, Integer> counts = draw(lb, List.of(busy, idle1, idle3), CALL, n);
        assertEquals(0, counts.getOrDefault(busy, 0));
        assertEquals(0.25, share(counts, idle1, n), 0.01);
        assertEquals(0.75, share(counts, idle3, n), 0.01);
        // One more call on idle3 makes idle1 the only least active.
        stats.of(idle3, CALL).begin();
        assertSame(idle1, lb.select(List.of(busy, idle1, idle3), CALL));
    }

    @Test
    void leastActiveReadsCountsPerMethod() {
        CallStats stats = new CallStats(new AtomicLong()::get);
        Invoker x = FakeInvoker.at("x");
        Invoker y = FakeInvoker.at("y");
        stats.of(x, CALL).begin();
        LeastActiveLoadBalance lb = new LeastActiveLoadBalance(stats, new SplittableRandom(3), () -> NOW);
        assertSame(y, lb.select(List.of(x, y), CALL));
        Invocation other = FakeInvoker.call("other", CallOptions.DEFAULT);
        Map<Invoker, Integer> counts = draw(lb, List.of(x, y), other, 10_000);
        assertEquals(0.5, share(counts, x, 10_000), 0.03, "another method's calls do not count");
    }

    // ------------------------------------------------------------------ shortest response

    @Test
    void shortestResponsePrefersTheFastestAndItsWindowSlides() {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        CallStats stats = new CallStats(clock::get);
        Invoker fast = FakeInvoker.at("fast");
        Invoker slow = FakeInvoker.at("slow");
        record(stats.of(fast, CALL), clock, 10_000_000, 5);
        record(stats.of(slow, CALL), clock, 200_000_000, 5);
        ShortestResponseLoadBalance lb = new ShortestResponseLoadBalance(stats, new SplittableRandom(5), () -> NOW);
        for (int i = 0; i < 100; i++) {
            assertSame(fast, lb.select(List.of(fast, slow), CALL));
        }
        // Twenty calls in flight on the fast one: 10 ms x 21 > 200 ms x 1.
        for (int i = 0; i < 20; i++) {
            stats.of(fast, CALL).begin();
        }
        assertSame(slow, lb.select(List.of(fast, slow), CALL));
        // A 5 s window: once the samples are older, both estimate 0 and share by weight.
        Invocation shortWindow = FakeInvoker.call("get", CallOptions.DEFAULT.with(ClusterOptions.SLIDE_WINDOW, Duration.ofSeconds(5)), "k");
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        Map<Invoker, Integer> counts = draw(lb, List.of(fast, slow), shortWindow, 10_000);
        assertEquals(0.5, share(counts, fast, 10_000), 0.03);
        // The default 30 s window still sees them.
        assertSame(slow, lb.select(List.of(fast, slow), CALL));
    }

    private static void record(MethodStats s, AtomicLong clock, long elapsedNanos, int times) {
        for (int i = 0; i < times; i++) {
            long start = s.begin();
            clock.addAndGet(elapsedNanos);
            s.end(start, true);
        }
    }

    // ------------------------------------------------------------------ adaptive (P2C)

    @Test
    void adaptiveAvoidsTheSlowInstanceAndSplitsTheRest() {
        AtomicLong clock = new AtomicLong(5_000_000_000_000L);
        CallStats stats = new CallStats(clock::get);
        Invoker slow = FakeInvoker.at("slow");
        Invoker fast1 = FakeInvoker.at("fast1");
        Invoker fast2 = FakeInvoker.at("fast2");
        long start = clock.get();
        // Same history for both fast ones, so their loads tie exactly and they split by weight.
        record(stats.of(fast1, CALL), clock, 5_000_000, 3);
        clock.set(start);
        record(stats.of(fast2, CALL), clock, 5_000_000, 3);
        clock.set(start);
        record(stats.of(slow, CALL), clock, 500_000_000, 3);
        AdaptiveLoadBalance lb = new AdaptiveLoadBalance(stats, new SplittableRandom(11), () -> NOW);
        int n = 30_000;
        Map<Invoker, Integer> counts = draw(lb, List.of(slow, fast1, fast2), CALL, n);
        // The slow one loses every pair it is drawn into.
        assertEquals(0, counts.getOrDefault(slow, 0));
        assertEquals(0.5, share(counts, fast1, n), 0.02);
    }

    @Test
    void adaptiveCountsCallsInFlightAndFailures() {
        AtomicLong clock = new AtomicLong(5_000_000_000_000L);
        CallStats stats = new CallStats(clock::get);
        Invoker loaded = FakeInvoker.at("loaded");
        Invoker failing = FakeInvoker.at("failing");
        Invoker fresh = FakeInvoker.at("fresh");
        stats.of(loaded, CALL).begin();
        stats.of(loaded, CALL).begin();
        long t = stats.of(failing, CALL).begin();
        stats.of(failing, CALL).end(t, false);
        AdaptiveLoadBalance lb = new AdaptiveLoadBalance(stats, new SplittableRandom(13), () -> NOW);
        assertSame(fresh, lb.select(List.of(loaded, fresh), CALL));
        assertSame(fresh, lb.select(List.of(failing, fresh), CALL), "a fast failure is no sign of speed");
        // The failure's penalty decays while the other instance keeps answering in 5 ms: a minute
        // later the failing one looks cheaper than that and is tried again.
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        record(stats.of(fresh, CALL), clock, 5_000_000, 1);
        assertSame(failing, lb.select(List.of(failing, fresh), CALL));
    }

    // ------------------------------------------------------------------ consistent hash

    @Test
    void consistentHashSpreadsKeysAndMovesOnlyTheLeaversShare() {
        List<Invoker> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(new FakeInvoker(new Endpoint("dubbo", "10.0.0." + (i + 1), 20880)));
        }
        ConsistentHashLoadBalance lb = new ConsistentHashLoadBalance();
        int keys = 20_000;
        Map<Integer, Invoker> before = new HashMap<>();
        Map<Invoker, Integer> counts = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            Invoker chosen = lb.select(five, FakeInvoker.call("get", CallOptions.DEFAULT, "user-" + k));
            before.put(k, chosen);
            counts.merge(chosen, 1, Integer::sum);
        }
        // 160 virtual nodes keep every instance near 1/5 (ketama's spread is a few percent).
        for (Invoker i : five) {
            assertEquals(0.2, counts.get(i) / (double) keys, 0.05, "share of " + i);
        }
        Invoker leaver = five.get(2);
        List<Invoker> four = new ArrayList<>(five);
        four.remove(leaver);
        int moved = 0;
        for (int k = 0; k < keys; k++) {
            Invoker now = lb.select(four, FakeInvoker.call("get", CallOptions.DEFAULT, "user-" + k));
            if (before.get(k) != leaver) {
                assertSame(before.get(k), now, "a key on a staying instance never moves");
            } else {
                moved++;
            }
        }
        assertEquals(0.2, moved / (double) keys, 0.05, "only ~1/N of the keys move");
    }

    @Test
    void consistentHashHashesTheChosenArguments() {
        List<Invoker> three = List.of(FakeInvoker.at("h1"), FakeInvoker.at("h2"), FakeInvoker.at("h3"));
        ConsistentHashLoadBalance lb = new ConsistentHashLoadBalance();
        CallOptions second = CallOptions.DEFAULT.with(ClusterOptions.HASH_ARGUMENTS, List.of(1));
        Map<Invoker, Integer> byFirst = new HashMap<>();
        for (int k = 0; k < 300; k++) {
            // Only the second argument is hashed: the first changes nothing.
            Invoker x = lb.select(three, FakeInvoker.call("get", second, "a" + k, "same"));
            byFirst.merge(x, 1, Integer::sum);
        }
        assertEquals(1, byFirst.size());
        // Indexes out of range are skipped, not a failure.
        CallOptions outOfRange = CallOptions.DEFAULT.with(ClusterOptions.HASH_ARGUMENTS, List.of(0, 7, -1));
        assertSame(lb.select(three, FakeInvoker.call("get", CallOptions.DEFAULT, "k1")),
                lb.select(three, FakeInvoker.call("get", outOfRange, "k1")));
        // A call with no arguments hashes the empty key: stable, whatever it is.
        assertSame(lb.select(three, FakeInvoker.call("none", CallOptions.DEFAULT)),
                lb.select(three, FakeInvoker.call("none", CallOptions.DEFAULT)));
    }

    @Test
    void consistentHashPlacesKeysWhereDubbosRingDoes() {
        // Dubbo's ring: for each address, md5(address + i) for i < 40 yields four points each.
        List<Invoker> two = List.of(new FakeInvoker(new Endpoint("dubbo", "10.0.0.1", 20880)),
                new FakeInvoker(new Endpoint("dubbo", "10.0.0.2", 20880)));
        java.util.TreeMap<Long, String> ring = new java.util.TreeMap<>();
        for (Invoker i : two) {
            for (int r = 0; r < 40; r++) {
                byte[] d = ConsistentHashLoadBalance.md5(i.endpoint().address() + r);
                for (int h = 0; h < 4; h++) {
                    ring.put(ConsistentHashLoadBalance.hash(d, h), i.endpoint().address());
                }
            }
        }
        ConsistentHashLoadBalance lb = new ConsistentHashLoadBalance();
        for (int k = 0; k < 500; k++) {
            long h = ConsistentHashLoadBalance.hash(ConsistentHashLoadBalance.md5("key" + k), 0);
            Map.Entry<Long, String> e = ring.ceilingEntry(h);
            String expected = (e != null ? e : ring.firstEntry()).getValue();
            assertEquals(expected, lb.select(two, FakeInvoker.call("get", CallOptions.DEFAULT, "key" + k)).endpoint().address());
        }
    }

    @Test
    void consistentHashRefusesNonsenseNodeCounts() {
        List<Invoker> two = List.of(FakeInvoker.at("h1"), FakeInvoker.at("h2"));
        ConsistentHashLoadBalance lb = new ConsistentHashLoadBalance();
        for (int bad : new int[]{0, -1, ConsistentHashLoadBalance.MAX_NODES + 1}) {
            RpcException e = assertThrows(RpcException.class,
                    () -> lb.select(two, FakeInvoker.call("get", CallOptions.DEFAULT.with(ClusterOptions.HASH_NODES, bad), "k")));
            assertTrue(e.getMessage().contains("hash.nodes"), e.getMessage());
        }
        assertTrue(two.contains(lb.select(two, FakeInvoker.call("get", CallOptions.DEFAULT.with(ClusterOptions.HASH_NODES, 1), "k"))));
    }
}
