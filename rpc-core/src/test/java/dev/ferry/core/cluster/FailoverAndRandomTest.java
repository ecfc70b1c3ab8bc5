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
