package dev.ferry.cluster.filter;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.FakeInvoker;
import dev.ferry.cluster.Inventory;
import dev.ferry.cluster.InventoryProvider;
import dev.ferry.cluster.stats.CallMetrics;
import dev.ferry.cluster.stats.CallStats;
import dev.ferry.cluster.stats.LatencyHistogram;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in filters, alone and on real Dubbo-protocol calls. */
class FiltersTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The next step of a chain: answers at once. */
    private static final Invoker ANSWER = new Invoker() {
        @Override
        public Class<?> type() {
            return Object.class;
        }

        @Override
        public ServiceKey serviceKey() {
            return FakeInvoker.KEY;
        }

        @Override
        public Endpoint endpoint() {
            return new Endpoint("dubbo", "10.0.0.1", 20880);
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            return CompletableFuture.completedFuture(Result.value("ok"));
        }
    };

    private static boolean refused(CompletableFuture<Result> f) {
        try {
            f.join();
            return false;
        } catch (RuntimeException e) {
            RpcException r = assertInstanceOf(RpcException.class, e.getCause());
            assertEquals(Code.THREADPOOL_EXHAUSTED, r.code());
            return true;
        }
    }

    // ------------------------------------------------------------------ unit

    @Test
    void tokenBucketAllowsBurstThenRate() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        RateLimitFilter f = RateLimitFilter.builder().limit("test.Svc", "*", new RateLimit(10, 3)).clock(clock::get).build();
        Invocation call = FakeInvoker.call("get", CallOptions.DEFAULT);
        for (int i = 0; i < 3; i++) {
            assertTrue(!refused(f.invoke(call, ANSWER)), "burst of 3");
        }
        assertTrue(refused(f.invoke(call, ANSWER)));
        clock.addAndGet(100_000_000L); // 0.1 s at 10/s: one token
        assertTrue(!refused(f.invoke(call, ANSWER)));
        assertTrue(refused(f.invoke(call, ANSWER)));
        clock.addAndGet(10_000_000_000L); // long quiet: back to the burst, not more
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += refused(f.invoke(call, ANSWER)) ? 0 : 1;
        }
        assertEquals(3, allowed);
        // Another method of another service is not limited by this configuration.
        Invocation other = new dev.ferry.core.invocation.RpcInvocation(new ServiceKey("other.Svc", "", ""), "get",
                new Class<?>[0], null, String.class, null, CallOptions.DEFAULT);
        for (int i = 0; i < 10; i++) {
            assertTrue(!refused(f.invoke(other, ANSWER)));
        }
    }

    @Test
    void rateLimitFromTheCallOptionWhenNotConfigured() {
        RateLimitFilter f = new RateLimitFilter();
        Invocation limited = FakeInvoker.call("get", CallOptions.DEFAULT.with(ClusterOptions.RATE_LIMIT, new RateLimit(0.001, 1)));
        assertTrue(!refused(f.invoke(limited, ANSWER)));
        assertTrue(refused(f.invoke(limited, ANSWER)));
        Invocation unlimited = FakeInvoker.call("get", CallOptions.DEFAULT);
        for (int i = 0; i < 5; i++) {
            assertTrue(!refused(f.invoke(unlimited, ANSWER)));
        }
    }

    @Test
    void limitsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(Double.POSITIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(5, 0));
        assertEquals(new RateLimit(2.5, 3), RateLimit.perSecond(2.5));
        assertEquals(1, RateLimit.perSecond(0.1).burst());
        assertThrows(IllegalArgumentException.class, () -> RateLimitFilter.builder().limit(" ", "get", RateLimit.perSecond(1)));
        assertThrows(IllegalArgumentException.class, () -> RateLimitFilter.builder().limit("a.B", "", RateLimit.perSecond(1)));
        assertThrows(NullPointerException.class, () -> RateLimitFilter.builder().limit("a.B", "get", null));
        assertThrows(IllegalArgumentException.class, () -> ConcurrencyLimitFilter.builder().limit("a.B", "get", 0));
    }

    @Test
    void histogramPercentilesAreWithinTheirBound() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.5));
        for (int v = 1; v <= 10_000; v++) {
            h.record(v);
        }
        assertEquals(10_000, h.count());
        assertEquals(10_000, h.max());
        assertEquals(5000, h.mean());
        assertBetween(5000, h.percentile(0.5));
        assertBetween(9000, h.percentile(0.9));
        assertBetween(9900, h.percentile(0.99));
        assertEquals(10_000, h.percentile(1.0));
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, h.max());
        assertThrows(IllegalArgumentException.class, () -> h.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(1.5));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(Double.NaN));
    }

    private static void assertBetween(long exact, long reported) {
        assertTrue(reported >= exact && reported <= exact * 1.0625, exact + " reported as " + reported);
    }

    @Test
    void builtInFiltersAreFoundAndActiveWhereTheyShouldBe() {
        ExtensionRegistry ext = ExtensionRegistry.shared();
        List<String> consumer = ext.activated(Filter.class, Side.CONSUMER, List.of()).stream().map(ExtensionRegistry::nameOf).toList();
        List<String> provider = ext.activated(Filter.class, Side.PROVIDER, List.of()).stream().map(ExtensionRegistry::nameOf).toList();
        List<String> cluster = ext.activated(ClusterFilter.class, Side.CONSUMER, List.of()).stream().map(ExtensionRegistry::nameOf).toList();
        // Other modules on the class path may add their own; these must be there, in this order.
        assertTrue(consumer.contains("activestats") && consumer.indexOf("activestats") == 0, consumer.toString());
        assertInOrder(provider, "metrics", "context");
        assertInOrder(cluster, "metrics", "context");
        assertTrue(!consumer.contains("ratelimit") && !provider.contains("concurrency"), "limits are active only where named");
        List<String> named = ext.activated(Filter.class, Side.PROVIDER, List.of("concurrency", "ratelimit")).stream()
                .map(ExtensionRegistry::nameOf).toList();
        assertInOrder(named, "metrics", "context", "ratelimit", "concurrency");
    }

    private static void assertInOrder(List<String> names, String... expected) {
        int last = -1;
        for (String e : expected) {
            int at = names.indexOf(e);
            assertTrue(at > last, e + " out of order or missing in " + names);
            last = at;
        }
    }

    // ------------------------------------------------------------------ real calls

    private record Provider(InventoryProvider impl, Endpoint url) {
    }

    private Provider provider(InventoryProvider impl, ExtensionRegistry ext, List<String> filters) {
        DubboProtocol dubbo = new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1)
                .businessThreads(16).shutdownTimeout(Duration.ofMillis(200)).build());
        FerryBootstrap ferry = FerryBootstrap.builder().protocol(dubbo).extensions(ext).build();
        open.add(ferry);
        int port = ferry.export(ServiceConfig.builder(Inventory.class, impl).filters(filters).build()).get(0).endpoint().port();
        return new Provider(impl, new Endpoint("dubbo", "127.0.0.1", port));
    }

    private Inventory consumer(Endpoint url, ExtensionRegistry ext, java.util.function.Consumer<ReferenceConfig.Builder<Inventory>> more) {
        FerryBootstrap ferry = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build()))
                .extensions(ext).build();
        open.add(ferry);
        ReferenceConfig.Builder<Inventory> b = ReferenceConfig.builder(Inventory.class).url(url).cluster("failfast")
                .timeout(Duration.ofSeconds(5));
        more.accept(b);
        return ferry.refer(b.build());
    }

    @Test
    void providerRateLimitRefusesOverTheWire() {
        ExtensionRegistry ext = new ExtensionRegistry(getClass().getClassLoader());
        ext.register(Filter.class, "ratelimit", RateLimitFilter.builder().limit(Inventory.class, "whoami", new RateLimit(0.001, 2)).build());
        Provider p = provider(new InventoryProvider("rl", InventoryProvider.Mode.OK, new CountDownLatch(0)), ext, List.of("ratelimit"));
        Inventory inv = consumer(p.url, ext, x -> {
        });
        assertEquals("rl", inv.whoami());
        assertEquals("rl", inv.whoami());
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertEquals(Code.THREADPOOL_EXHAUSTED, e.code());
        assertTrue(e.getMessage().contains("rate limit of 0.001 calls/s, burst 2 exceeded"), e.getMessage());
        assertEquals(2, p.impl.calls.get(), "the refused call never reached the service");
        assertEquals(1, inv.count(), "other methods are not limited");
    }

    @Test
    void consumerRateLimitFromTheReferenceOption() {
        ExtensionRegistry ext = new ExtensionRegistry(getClass().getClassLoader());
        Provider p = provider(new InventoryProvider("crl", InventoryProvider.Mode.OK, new CountDownLatch(0)), ext, List.of());
        Inventory inv = consumer(p.url, ext, x -> x.filters(List.of("ratelimit")).option(ClusterOptions.RATE_LIMIT, new RateLimit(0.001, 1)));
        assertEquals("crl", inv.whoami());
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertEquals(Code.THREADPOOL_EXHAUSTED, e.code());
        assertEquals(1, p.impl.calls.get());
    }

    @Test
    void providerConcurrencyLimitRefusesTheCallBeyondIt() throws Exception {
        ExtensionRegistry ext = new ExtensionRegistry(getClass().getClassLoader());
        ConcurrencyLimitFilter limit = ConcurrencyLimitFilter.builder().limit(Inventory.class, "*", 1).build();
        ext.register(Filter.class, "concurrency", limit);
        CountDownLatch release = new CountDownLatch(1);
        Provider p = provider(new InventoryProvider("cl", InventoryProvider.Mode.STALLS, release), ext, List.of("concurrency"));
        Inventory inv = consumer(p.url, ext, x -> {
        });
        CompletableFuture<String> first = CompletableFuture.supplyAsync(inv::whoami);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.impl.calls.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, limit.inFlight(Inventory.class.getName(), "whoami"));
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertEquals(Code.THREADPOOL_EXHAUSTED, e.code());
        assertTrue(e.getMessage().contains("concurrency limit"), e.getMessage());
        assertEquals(1, p.impl.calls.get(), "the refused call never reached the service");
        release.countDown();
        assertEquals(List.of("cl"), inv.items(), "each method has its own limit");
        assertEquals("cl", first.get(10, TimeUnit.SECONDS));
        assertEquals(0, limit.inFlight(Inventory.class.getName(), "whoami"));
        assertEquals("cl", inv.whoami(), "the slot was given back");
    }

    @Test
    void metricsAndActiveCountsAreKeptForEveryCall() {
        ExtensionRegistry ext = ExtensionRegistry.shared();
        Provider p = provider(new InventoryProvider("mx", InventoryProvider.Mode.OK, new CountDownLatch(0)), ext, List.of());
        Provider t = provider(new InventoryProvider("mxt", InventoryProvider.Mode.THROWS, new CountDownLatch(0)), ext, List.of());
        ServiceKey key = ServiceKey.of(Inventory.class);
        CallMetrics.Snapshot before = snapshotOr(Side.CONSUMER, key, "work");
        CallMetrics.Snapshot providerBefore = snapshotOr(Side.PROVIDER, key, "work");
        long statsBefore = CallStats.shared().of(p.url, key, "work").succeeded();
        Inventory inv = consumer(p.url, ext, x -> {
        });
        for (int i = 0; i < 20; i++) {
            assertEquals("mx:" + i, inv.work(String.valueOf(i)));
        }
        Inventory throwing = consumer(t.url, ext, x -> {
        });
        assertThrows(IllegalStateException.class, () -> throwing.work("x"));
        CallMetrics.Snapshot after = CallMetrics.shared().snapshot(Side.CONSUMER, key, "work");
        assertEquals(21, after.calls() - before.calls());
        assertEquals(20, after.succeeded() - before.succeeded());
        assertEquals(1, after.exceptions() - before.exceptions());
        assertTrue(after.p50Micros() > 0 && after.p50Micros() <= after.p99Micros() && after.p99Micros() <= after.maxMicros());
        assertEquals(21, CallMetrics.shared().snapshot(Side.PROVIDER, key, "work").calls() - providerBefore.calls());
        assertEquals(20, CallStats.shared().of(p.url, key, "work").succeeded() - statsBefore);
        assertEquals(0, CallStats.shared().of(p.url, key, "work").active());
        assertTrue(CallMetrics.shared().snapshot().containsKey("consumer " + key + "#work"));
    }

    private static CallMetrics.Snapshot snapshotOr(Side side, ServiceKey key, String method) {
        CallMetrics.Snapshot s = CallMetrics.shared().snapshot(side, key, method);
        return s != null ? s : new CallMetrics.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
