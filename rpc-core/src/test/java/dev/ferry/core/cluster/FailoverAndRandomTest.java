package dev.ferry.core.cluster;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.core.directory.InvokerDirectory;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverAndRandomTest {

    private static final ServiceKey KEY = new ServiceKey("a.Svc", "", "");

    private static Invocation call(int retries) {
        return new RpcInvocation(KEY, "m", new Class<?>[0], null, String.class, null,
                CallOptions.DEFAULT.with(CallOptions.RETRIES, retries));
    }

    private static Invoker failover(List<Invoker> invokers) {
        InvokerDirectory d = new InvokerDirectory(Object.class, KEY, List.of());
        d.update(invokers);
        return new FailoverCluster().join(d);
    }

    @Test
    void extensionsAreFoundByName() {
        assertInstanceOf(FailoverCluster.class, ExtensionRegistry.shared().get(Cluster.class, "failover"));
        assertInstanceOf(RandomLoadBalance.class, ExtensionRegistry.shared().get(LoadBalance.class, "random"));
    }

    @Test
    void retriesRpcFailuresOnOtherInstances() {
        Fake bad1 = new Fake("h1", () -> CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE, "down")));
        Fake bad2 = new Fake("h2", () -> CompletableFuture.failedFuture(new RpcException(Code.CLIENT_TIMEOUT, "slow")));
        Fake good = new Fake("h3", () -> CompletableFuture.completedFuture(Result.value("ok")));
        for (int i = 0; i < 20; i++) {
            assertEquals("ok", failover(List.of(bad1, bad2, good)).invoke(call(2)).join().value());
        }
        // Never the same instance twice in one call while fresh ones remain.
        assertTrue(bad1.calls.get() <= 20 && bad2.calls.get() <= 20);
        assertEquals(20, good.calls.get());
    }

    @Test
    void neverRetriesABusinessException() {
        IllegalStateException business = new IllegalStateException("insufficient funds");
        Fake a = new Fake("h1", () -> CompletableFuture.completedFuture(Result.exception(business)));
        Fake b = new Fake("h2", () -> CompletableFuture.completedFuture(Result.exception(business)));
        Result r = failover(List.of(a, b)).invoke(call(2)).join();
        assertSame(business, r.exception());
        assertEquals(1, a.calls.get() + b.calls.get());
    }

    @Test
    void neverRetriesANonRpcFailure() {
        Fake a = new Fake("h1", () -> CompletableFuture.failedFuture(new IllegalArgumentException("bug")));
        Fake b = new Fake("h2", () -> CompletableFuture.failedFuture(new IllegalArgumentException("bug")));
        CompletionException e = assertThrows(CompletionException.class, () -> failover(List.of(a, b)).invoke(call(2)).join());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(1, a.calls.get() + b.calls.get());
    }

    @Test
    void exhaustedRetriesReportEveryAttempt() {
        Fake a = new Fake("h1", () -> CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE, "h1 down")));
        CompletionException e = assertThrows(CompletionException.class, () -> failover(List.of(a)).invoke(call(2)).join());
        RpcException r = assertInstanceOf(RpcException.class, e.getCause());
        assertEquals(Code.CHANNEL_INACTIVE, r.code());
        assertTrue(r.getMessage().contains("after 3 of 3 attempt"), r.getMessage());
        assertEquals(2, r.getSuppressed().length);
        assertEquals(3, a.calls.get());
    }

    @Test
    void retriesZeroMeansOneAttempt() {
        Fake a = new Fake("h1", () -> CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE, "down")));
        assertThrows(CompletionException.class, () -> failover(List.of(a)).invoke(call(0)).join());
        assertEquals(1, a.calls.get());
    }

    @Test
    void lastCallFailureWinsWhenRetriesRunOutOfInstances() {
        Fake dead = new Fake("h1", null) {
            @Override
            public boolean isAvailable() {
                return calls.get() == 0;
            }
        };
        Fake failing = new Fake("h1", () -> CompletableFuture.failedFuture(new RpcException(Code.CHANNEL_INACTIVE, "refused")));
        Invoker cluster = failover(List.of(new Delegate(dead, failing)));
        CompletionException e = assertThrows(CompletionException.class, () -> cluster.invoke(call(2)).join());
        RpcException r = assertInstanceOf(RpcException.class, e.getCause());
        assertEquals(Code.CHANNEL_INACTIVE, r.code());
        assertTrue(r.getMessage().contains("refused"), r.getMessage());
        assertEquals(Code.SERVICE_NOT_FOUND, ((RpcException) r.getSuppressed()[r.getSuppressed().length - 1]).code());
    }

    @Test
    void noInstanceIsServiceNotFound() {
        CompletionException e = assertThrows(CompletionException.class, () -> failover(List.of()).invoke(call(2)).join());
        assertEquals(Code.SERVICE_NOT_FOUND, assertInstanceOf(RpcException.class, e.getCause()).code());
    }

    @Test
    void randomFollowsWeights() {
        List<Invoker> invokers = new ArrayList<>();
        int[] weights = {100, 200, 700};
        for (int i = 0; i < weights.length; i++) {
            invokers.add(new Fake(new Endpoint("dubbo", "h" + i, 1).withParameter(Endpoint.WEIGHT, String.valueOf(weights[i])), null));
        }
        Map<Invoker, Integer> counts = new HashMap<>();
        RandomLoadBalance lb = new RandomLoadBalance();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts.merge(lb.select(invokers, call(0)), 1, Integer::sum);
        }
        for (int i = 0; i < weights.length; i++) {
            double share = counts.getOrDefault(invokers.get(i), 0) / (double) n;
            assertEquals(weights[i] / 1000.0, share, 0.02, "share of instance " + i);
        }
    }

    @Test
    void randomIsUniformForEqualWeights() {
        List<Invoker> invokers = List.of(new Fake("a", null), new Fake("b", null), new Fake("c", null), new Fake("d", null));
        Map<Invoker, Integer> counts = new HashMap<>();
        RandomLoadBalance lb = new RandomLoadBalance();
        for (int i = 0; i < 40_000; i++) {
            counts.merge(lb.select(invokers, call(0)), 1, Integer::sum);
        }
        for (Invoker inv : invokers) {
            assertEquals(0.25, counts.get(inv) / 40_000.0, 0.02);
        }
    }

    @Test
    void clientTimeoutsAreRetriedUnlessSwitchedOff() {
        Fake slow = new Fake("h1", () -> CompletableFuture.failedFuture(new RpcException(Code.CLIENT_TIMEOUT, "no reply")));
        Fake good = new Fake("h2", () -> CompletableFuture.completedFuture(Result.value("ok")));
        Invocation noRetryOnTimeout = new RpcInvocation(KEY, "m", new Class<?>[0], null, String.class, null,
                CallOptions.DEFAULT.with(FailoverCluster.RETRY_CLIENT_TIMEOUTS, false));
        Invoker onlySlow = failover(List.of(slow));
        CompletionException e = assertThrows(CompletionException.class, () -> onlySlow.invoke(noRetryOnTimeout).join());
        assertEquals(Code.CLIENT_TIMEOUT, ((RpcException) e.getCause()).code());
        assertEquals(1, slow.calls.get(), "a request that may still run is not sent again");
        // Failures where the request surely did not run are still retried.
        Fake refused = new Fake("h3", () -> CompletableFuture.failedFuture(new RpcException(Code.SERVER_TIMEOUT, "dropped past its deadline")));
        assertEquals("ok", failover(List.of(refused, good)).invoke(noRetryOnTimeout).join().value());
        // By default (Dubbo's behaviour) a timeout is retried.
        assertEquals("ok", failover(List.of(slow, good)).invoke(call(2)).join().value());
    }

    @Test
    void randomWarmUpAndSeed() {
        long now = 1_700_000_000_000L;
        Fake warming = new Fake(new Endpoint("dubbo", "w", 1).withParameter(Weights.TIMESTAMP, String.valueOf(now - 120_000)), null);
        Fake warm = new Fake("warm", null);
        // 120 s of the default 600 s warm-up: weight 20 of 100.
        assertEquals(20, Weights.of(warming.endpoint(), now));
        RandomLoadBalance lb = new RandomLoadBalance(new java.util.SplittableRandom(99), () -> now);
        int n = 60_000;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            hits += lb.select(List.of(warming, warm), call(0)) == warming ? 1 : 0;
        }
        assertEquals(20 / 120.0, hits / (double) n, 0.008);
        assertEquals(100, Weights.of(warming.endpoint(), now + 600_000), "warm after the warm-up period");
        assertEquals(7, Weights.warmupWeight(70, 1000, 100));
        assertEquals(1, Weights.warmupWeight(0, 1000, 100));
        assertEquals(100, Weights.warmupWeight(5000, 1000, 100));
        assertEquals(100, Weights.warmupWeight(5, 0, 100));
    }

    @Test
    void allZeroWeightsAreChosenUniformly() {
        List<Invoker> zeros = List.of(
                new Fake(new Endpoint("dubbo", "a", 1).withParameter(Endpoint.WEIGHT, "0"), null),
                new Fake(new Endpoint("dubbo", "b", 1).withParameter(Endpoint.WEIGHT, "0"), null));
        RandomLoadBalance lb = new RandomLoadBalance(new java.util.SplittableRandom(5), System::currentTimeMillis);
        int first = 0;
        for (int i = 0; i < 10_000; i++) {
            first += lb.select(zeros, call(0)) == zeros.get(0) ? 1 : 0;
        }
        assertEquals(0.5, first / 10_000.0, 0.03);
    }

    @Test
    void noProviderNamesEveryRouterAndTheOneThatEmptiedTheList() {
        dev.ferry.api.spi.Router keepAll = (invokers, inv) -> invokers;
        dev.ferry.api.spi.Router dropH1 = (invokers, inv) -> invokers.stream().filter(i -> !i.endpoint().host().equals("h1")).toList();
        dev.ferry.api.spi.Router dropAll = (invokers, inv) -> List.of();
        InvokerDirectory d = new InvokerDirectory(Object.class, KEY, List.of(keepAll, dropH1, dropAll));
        Fake down = new Fake("h3", null) {
            @Override
            public boolean isAvailable() {
                return false;
            }
        };
        d.update(List.of(new Fake("h1", null), new Fake("h2", null), down));
        RpcException e = assertThrows(RpcException.class, () -> d.list(call(0)));
        assertEquals(Code.SERVICE_NOT_FOUND, e.code());
        String m = e.getMessage();
        assertTrue(m.contains("a.Svc#m"), m);
        assertTrue(m.contains("the directory knows 3 instance(s), 2 available"), m);
        assertTrue(m.matches(".*kept 2 of 2, .* kept 1 of 2, .* kept 0 of 1; router '.*' removed the rest.*"), m);
        assertTrue(m.contains("(unavailable)"), m);
        dev.ferry.api.spi.Router broken = (invokers, inv) -> {
            throw new IllegalStateException("rule bug");
        };
        InvokerDirectory withBroken = new InvokerDirectory(Object.class, KEY, List.of(broken));
        withBroken.update(List.of(new Fake("h1", null)));
        RpcException b = assertThrows(RpcException.class, () -> withBroken.list(call(0)));
        assertEquals(Code.CLIENT_ERROR, b.code());
        assertTrue(b.getMessage().contains("rule bug"), b.getMessage());
    }

    /** Availability from one fake, behaviour from another. */
    private record Delegate(Fake availability, Fake behaviour) implements Invoker {
        @Override
        public Class<?> type() {
            return Object.class;
        }

        @Override
        public ServiceKey serviceKey() {
            return KEY;
        }

        @Override
        public Endpoint endpoint() {
            return behaviour.endpoint;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            availability.calls.incrementAndGet();
            return behaviour.invoke(invocation);
        }

        @Override
        public boolean isAvailable() {
            return availability.isAvailable();
        }
    }

    private static class Fake implements Invoker {
        final Endpoint endpoint;
        final Supplier<CompletableFuture<Result>> behaviour;
        final AtomicInteger calls = new AtomicInteger();

        Fake(String host, Supplier<CompletableFuture<Result>> behaviour) {
            this(new Endpoint("dubbo", host, 1), behaviour);
        }

        Fake(Endpoint endpoint, Supplier<CompletableFuture<Result>> behaviour) {
            this.endpoint = endpoint;
            this.behaviour = behaviour;
        }

        @Override
        public Class<?> type() {
            return Object.class;
        }

        @Override
        public ServiceKey serviceKey() {
            return KEY;
        }

        @Override
        public Endpoint endpoint() {
            return endpoint;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            calls.incrementAndGet();
            return behaviour.get();
        }
    }
}
