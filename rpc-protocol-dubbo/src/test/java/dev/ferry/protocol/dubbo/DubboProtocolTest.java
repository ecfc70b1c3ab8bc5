package dev.ferry.protocol.dubbo;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcReference;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Exporter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.invocation.RpcInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end over a real socket: a provider bootstrap and a consumer bootstrap, each with its own protocol. */
@Timeout(20)
class DubboProtocolTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private GreeterImpl impl;
    private FerryBootstrap provider;
    private Exporter exporter;
    private FerryBootstrap consumer;

    static DubboProtocolConfig.Builder loopback() {
        // Business threads with headroom over the tests' callers: with no queue, a caller's next
        // call can arrive while the thread that answered its last one is still finishing.
        return DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(2).businessThreads(32)
                .connectTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofMillis(500));
    }

    @BeforeEach
    void start() {
        impl = new GreeterImpl();
        provider = FerryBootstrap.builder().protocol(new DubboProtocol(loopback().build())).build();
        toClose.add(provider);
        exporter = provider.export(impl).get(0);
        consumer = FerryBootstrap.builder()
                .protocol(new DubboProtocol(loopback().reconnectInterval(Duration.ofMillis(100)).build())).build();
        toClose.add(consumer);
    }

    @AfterEach
    void stop() {
        impl.release.countDown();
        // Consumers first, so no call is left waiting on a provider that is going away.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
        toClose.clear();
    }

    private <T> ReferenceConfig.Builder<T> ref(Class<T> type) {
        return ReferenceConfig.builder(type).url(exporter.endpoint()).retries(0).timeout(Duration.ofSeconds(3));
    }

    private Greeter greeter() {
        return consumer.refer(ref(Greeter.class).build());
    }

    @Test
    void exporterReportsTheBoundPortOnLoopback() {
        Endpoint ep = exporter.endpoint();
        assertEquals("dubbo", ep.protocol());
        assertEquals("127.0.0.1", ep.host());
        assertTrue(ep.port() > 0, "an ephemeral port was bound: " + ep);
        assertEquals(java.util.Set.of(dev.ferry.core.cluster.Weights.TIMESTAMP), ep.parameters().keySet(),
                "default weight and no tag add no parameters; the export time is always there");
        long exportedAt = Long.parseLong(ep.parameter(dev.ferry.core.cluster.Weights.TIMESTAMP, "0"));
        assertTrue(Math.abs(System.currentTimeMillis() - exportedAt) < java.util.concurrent.TimeUnit.HOURS.toMillis(1), ep.toString());
    }

    @Test
    void exporterEndpointCarriesNonDefaultWeightAndTag() {
        Exporter tagged = provider.export(ServiceConfig.builder(NotExported.class, () -> "pong")
                .weight(50).tag("gray").build()).get(0);
        assertEquals(exporter.endpoint().port(), tagged.endpoint().port(), "one server per protocol");
        assertEquals("50", tagged.endpoint().parameter(Endpoint.WEIGHT, null));
        assertEquals("gray", tagged.endpoint().parameter(Endpoint.TAG, null));
        assertTrue(tagged.endpoint().toString().startsWith("dubbo://127.0.0.1:" + tagged.endpoint().port() + "?"));
    }

    @Test
    void syncCallWithPojoArgumentAndResult() {
        Greeting g = greeter().greet(new Person("ada", 36));
        assertEquals("hello ada", g.getText());
        assertEquals(new Person("ada", 36), g.getTo());
    }

    @Test
    void futureReturningMethodDoesNotBlock() throws Exception {
        CompletableFuture<String> f = greeter().greetLater("bob");
        // The provider holds the reply until released, so a returned future proves nothing blocked.
        assertFalse(f.isDone());
        impl.release.countDown();
        assertEquals("later bob", f.get(3, TimeUnit.SECONDS));
    }

    @Test
    void businessExceptionArrivesAsThrown() {
        GreetingException e = assertThrows(GreetingException.class, () -> greeter().refuse("not today"));
        assertEquals("not today", e.getMessage());
    }

    @Test
    void voidMethodRuns() {
        greeter().record("noted");
        assertEquals(List.of("noted"), impl.notes);
    }

    @Test
    void nullReturnArrivesAsNull() {
        assertNull(greeter().nothing());
    }

    @Test
    void manyConcurrentCallsShareOneConnection() throws Exception {
        Greeter g = greeter();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                results.add(pool.submit(() -> g.greet(new Person("p" + n, n)).getText()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals("hello p" + i, results.get(i).get(5, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serviceThatIsNotExportedFailsWithServiceNotFound() {
        NotExported ne = consumer.refer(ref(NotExported.class).build());
        RpcException e = assertThrows(RpcException.class, ne::ping);
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
        assertMentions(e, NotExported.class.getName(), "ping", exporter.endpoint().address());
    }

    @Test
    void slowProviderTimesOutWithClientTimeout() {
        Greeter g = consumer.refer(ref(Greeter.class).timeout(Duration.ofMillis(200)).build());
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> g.slow("sam"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(RpcException.Code.CLIENT_TIMEOUT, e.code());
        assertMentions(e, Greeter.class.getName(), "slow", exporter.endpoint().address());
        assertTrue(tookMs < 2000, "timed out after " + tookMs + " ms");
        // The late reply is dropped quietly and the connection keeps serving.
        impl.release.countDown();
        assertEquals("hello late", g.greet(new Person("late", 1)).getText());
    }

    @Test
    void addressWhereNothingListensFailsFastWithChannelInactive() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Greeter g = consumer.refer(ReferenceConfig.builder(Greeter.class)
                .url(new Endpoint("dubbo", "127.0.0.1", port)).retries(0).timeout(Duration.ofSeconds(3)).build());
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> g.greet(new Person("x", 1)));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(RpcException.Code.CHANNEL_INACTIVE, e.code());
        assertMentions(e, Greeter.class.getName(), "greet", "127.0.0.1:" + port);
        assertTrue(tookMs < 2000, "failed after " + tookMs + " ms");
    }

    /** A consumer wired by annotation; nothing listens on port 1 (a privileged port). */
    static class DeadConsumer {
        @RpcReference(url = "dubbo://127.0.0.1:1", retries = 0, timeout = 2000)
        Greeter greeter;
    }

    @Test
    void annotatedReferenceToDeadAddressFailsWithChannelInactive() {
        DeadConsumer c = consumer.inject(new DeadConsumer());
        RpcException e = assertThrows(RpcException.class, () -> c.greeter.nothing());
        assertEquals(RpcException.Code.CHANNEL_INACTIVE, e.code());
        assertMentions(e, "nothing", "127.0.0.1:1");
    }

    @Test
    void invokerIsUnavailableOnceItsConnectionIsKnownDead() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DubboProtocol dubbo = new DubboProtocol(loopback().build());
        toClose.add(dubbo);
        Invoker invoker = dubbo.refer(Greeter.class, ServiceKey.of(Greeter.class), new Endpoint("dubbo", "127.0.0.1", port));
        assertTrue(invoker.isAvailable(), "unknown is not dead");
        CompletableFuture<?> f = invoker.invoke(new RpcInvocation(ServiceKey.of(Greeter.class), "nothing",
                new Class<?>[0], new Object[0], String.class, null, CallOptions.DEFAULT));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(3, TimeUnit.SECONDS));
        assertInstanceOf(RpcException.class, e.getCause());
        assertFalse(invoker.isAvailable());
        invoker.close();
    }

    @Test
    void onewayCallReturnsAtOnceAndStillRuns() throws Exception {
        Greeter g = consumer.refer(ref(Greeter.class).option(CallOptions.ONEWAY, true).build());
        g.record("fire and forget");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (impl.notes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("fire and forget"), impl.notes);
    }

    @Test
    void fullBusinessPoolAnswersThreadPoolExhausted() throws Exception {
        GreeterImpl busy = new GreeterImpl();
        FerryBootstrap small = FerryBootstrap.builder()
                .protocol(new DubboProtocol(loopback().businessThreads(1).businessQueue(0).build())).build();
        toClose.add(() -> {
            busy.release.countDown();
            small.close();
        });
        Exporter e = small.export(busy).get(0);
        Greeter g = consumer.refer(ReferenceConfig.builder(Greeter.class).url(e.endpoint()).retries(0).build());
        CompletableFuture<String> first = g.hold();
        assertTrue(busy.entered.await(3, TimeUnit.SECONDS), "the first call occupies the only thread");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> g.hold().get(3, TimeUnit.SECONDS));
        RpcException cause = assertInstanceOf(RpcException.class, refused.getCause());
        assertEquals(RpcException.Code.THREADPOOL_EXHAUSTED, cause.code());
        assertMentions(cause, "hold", e.endpoint().address());
        busy.release.countDown();
        assertEquals("held", first.get(3, TimeUnit.SECONDS));
    }

    @Test
    void responseOverThePayloadLimitIsAnsweredWithAnError() {
        FerryBootstrap small = FerryBootstrap.builder()
                .protocol(new DubboProtocol(loopback().payloadLimit(4096).build())).build();
        toClose.add(small);
        GreeterImpl other = new GreeterImpl();
        Exporter e = small.export(other).get(0);
        Greeter g = consumer.refer(ReferenceConfig.builder(Greeter.class).url(e.endpoint()).retries(0).build());
        RpcException ex = assertThrows(RpcException.class, () -> g.big(10_000));
        assertEquals(RpcException.Code.SERVER_ERROR, ex.code());
        assertMentions(ex, "big", "payload limit");
        assertEquals(100, g.big(100).length(), "the connection keeps serving");
    }

    @Test
    void consumerReconnectsAfterTheProviderComesBack() throws Exception {
        Greeter g = greeter();
        assertEquals("hello a", g.greet(new Person("a", 1)).getText());
        int port = exporter.endpoint().port();
        provider.close();
        RpcException e = assertThrows(RpcException.class, () -> g.greet(new Person("b", 2)));
        // Either the call met the dying connection, or the directory already knew it was dead.
        assertTrue(e.code() == RpcException.Code.CHANNEL_INACTIVE || e.code() == RpcException.Code.SERVICE_NOT_FOUND,
                e.toString());
        assertMentions(e, "127.0.0.1:" + port);

        GreeterImpl again = new GreeterImpl();
        FerryBootstrap restarted = FerryBootstrap.builder()
                .protocol(new DubboProtocol(loopback().port(port).build())).build();
        toClose.add(restarted);
        restarted.export(again);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String answer = null;
        while (answer == null && System.nanoTime() < deadline) {
            try {
                answer = g.greet(new Person("c", 3)).getText();
            } catch (RpcException notYet) {
                Thread.sleep(50);
            }
        }
        assertEquals("hello c", answer);
    }

    @Test
    void closingLetsCallsInFlightFinish() throws Exception {
        Greeter g = greeter();
        CompletableFuture<String> inFlight = g.hold();
        assertTrue(impl.entered.await(3, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(provider::close);
        Thread.sleep(100);
        assertFalse(closing.isDone(), "close waits for the call in flight");
        impl.release.countDown();
        assertEquals("held", inFlight.get(3, TimeUnit.SECONDS));
        closing.get(3, TimeUnit.SECONDS);
    }

    @Test
    void heartbeatsKeepAnIdleConnectionOpen() throws Exception {
        DubboProtocolConfig fast = loopback().heartbeatInterval(Duration.ofMillis(100)).build();
        FerryBootstrap p = FerryBootstrap.builder().protocol(new DubboProtocol(fast)).build();
        toClose.add(p);
        Exporter e = p.export(new GreeterImpl()).get(0);
        DubboProtocol client = new DubboProtocol(fast);
        toClose.add(client);
        Invoker invoker = client.refer(Greeter.class, ServiceKey.of(Greeter.class), e.endpoint());
        RpcInvocation nothing = new RpcInvocation(ServiceKey.of(Greeter.class), "nothing", new Class<?>[0],
                new Object[0], String.class, null, CallOptions.DEFAULT);
        assertNull(invoker.invoke(nothing).get(3, TimeUnit.SECONDS).value());
        // Six intervals of silence from the caller: the server would close at three without heartbeats,
        // and the default 2 s reconnect interval would leave the invoker unavailable meanwhile.
        Thread.sleep(600);
        assertTrue(invoker.isAvailable());
        assertNull(invoker.invoke(nothing).get(3, TimeUnit.SECONDS).value());
    }

    @Test
    void closeStopsEveryThreadItStarted() throws Exception {
        Set<Thread> existing = ferryThreads();
        FerryBootstrap p = FerryBootstrap.builder().protocol(new DubboProtocol(loopback().build())).build();
        FerryBootstrap c = FerryBootstrap.builder().protocol(new DubboProtocol(loopback().build())).build();
        Exporter e = p.export(new GreeterImpl()).get(0);
        Greeter g = c.refer(ref(Greeter.class).url(e.endpoint()).build());
        assertNull(g.nothing());
        Set<Thread> started = ferryThreads();
        started.removeAll(existing);
        assertFalse(started.isEmpty(), "the protocols run I/O and business threads");
        c.close();
        p.close();
        for (Thread t : started) {
            t.join(3000);
            assertFalse(t.isAlive(), t.getName() + " outlived close()");
        }
    }

    private static Set<Thread> ferryThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ferry-dubbo-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void closedProtocolRefusesNewWork() {
        DubboProtocol dubbo = new DubboProtocol(loopback().build());
        dubbo.close();
        dubbo.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> dubbo.refer(Greeter.class, ServiceKey.of(Greeter.class),
                new Endpoint("dubbo", "127.0.0.1", 1)));
    }

    static void assertMentions(Throwable e, String... parts) {
        String m = String.valueOf(e.getMessage());
        for (String p : parts) {
            assertTrue(m.contains(p), "message should mention '" + p + "': " + m);
        }
    }

    @Test
    void genericReferenceFromTheBootstrapCallsWithoutTheInterface() {
        dev.ferry.api.GenericService g = consumer.refer(ReferenceConfig.generic(Greeter.class.getName())
                .url(exporter.endpoint()).retries(0).timeout(Duration.ofSeconds(3)).build());
        Object reply = g.$invoke("greet", new String[]{Person.class.getName()},
                new Object[]{java.util.Map.of("name", "ada", "age", 36)});
        java.util.Map<?, ?> greeting = assertInstanceOf(java.util.Map.class, reply, "POJOs come back as maps");
        assertEquals("hello ada", greeting.get("text"));
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.generic("not a name"));
        assertThrows(IllegalArgumentException.class, () -> ReferenceConfig.generic("a..b"));
    }
}
