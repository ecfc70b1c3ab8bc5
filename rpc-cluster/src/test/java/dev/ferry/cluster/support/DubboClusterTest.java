package dev.ferry.cluster.support;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.DubboProviders;
import dev.ferry.cluster.Inventory;
import dev.ferry.cluster.InventoryProvider;
import dev.ferry.cluster.InventoryProvider.Mode;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.directory.InvokerDirectory;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cluster strategy against real Dubbo-protocol providers in this JVM: healthy ones, one
 * whose service always throws, one that stalls past the call timeout, and one stopped in the
 * middle of the test.
 */
class DubboClusterTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static DubboProviders providers;
    private static InventoryProvider a;
    private static InventoryProvider b;
    private static InventoryProvider c;
    private static InventoryProvider thrower;
    private static InventoryProvider thrower2;
    private static InventoryProvider staller;

    private final List<FerryBootstrap> consumers = new ArrayList<>();

    @BeforeAll
    static void startProviders() {
        providers = new DubboProviders();
        a = providers.start("a", Mode.OK);
        b = providers.start("b", Mode.OK);
        c = providers.start("c", Mode.OK);
        thrower = providers.start("thrower", Mode.THROWS);
        thrower2 = providers.start("thrower2", Mode.THROWS);
        staller = providers.start("staller", Mode.STALLS);
    }

    @AfterAll
    static void stopProviders() {
        providers.close();
    }

    @AfterEach
    void closeConsumers() {
        consumers.forEach(FerryBootstrap::close);
    }

    private Inventory ref(String cluster, String urls, Consumer<ReferenceConfig.Builder<Inventory>> more) {
        FerryBootstrap ferry = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build()))
                .build();
        consumers.add(ferry);
        ReferenceConfig.Builder<Inventory> config = ReferenceConfig.builder(Inventory.class)
                .urls(urls).cluster(cluster).timeout(TIMEOUT);
        more.accept(config);
        return ferry.refer(config.build());
    }

    private Inventory ref(String cluster, String urls) {
        return ref(cluster, urls, x -> {
        });
    }

    private static <T> T until(Supplier<T> call, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = call.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException ignored) {
                // Keep trying until the deadline.
            }
            sleep(50);
        }
        throw new AssertionError("condition not reached in 10 s; last value " + last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ failover

    @Test
    void failoverRetriesPastTheStalledAndTheStoppedProvider() {
        providers.start("fo-victim", Mode.OK);
        Inventory inv = ref("failover", providers.urls("staller", "fo-victim", "a"), x -> x.loadBalance("roundrobin"));
        for (int i = 0; i < 6; i++) {
            String who = inv.whoami();
            assertTrue(Set.of("a", "fo-victim").contains(who), who);
        }
        providers.stop("fo-victim");
        for (int i = 0; i < 6; i++) {
            assertEquals("a", inv.whoami());
        }
    }

    @Test
    void failoverNeverRetriesABusinessException() {
        Inventory inv = ref("failover", providers.urls("thrower", "a"), x -> x.loadBalance("roundrobin"));
        int throwerBefore = thrower.calls.get();
        int aBefore = a.calls.get();
        int exceptions = 0;
        for (int i = 0; i < 10; i++) {
            try {
                assertEquals("a", inv.whoami());
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage().contains("thrower refuses"), e.getMessage());
                exceptions++;
            }
        }
        assertEquals(5, exceptions, "round robin alternates between the two");
        assertEquals(exceptions, thrower.calls.get() - throwerBefore);
        assertEquals(10 - exceptions, a.calls.get() - aBefore);
    }

    @Test
    void failoverWithRetriesZeroGivesUpAfterOneAttempt() {
        Inventory inv = ref("failover", providers.urls("staller"), x -> x.retries(0));
        int before = staller.calls.get();
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertEquals(Code.CLIENT_TIMEOUT, e.code());
        assertEquals(1, staller.calls.get() - before);
    }

    // ------------------------------------------------------------------ failfast

    @Test
    void failfastFailsAtOnceWithoutRetry() {
        Inventory inv = ref("failfast", providers.urls("staller", "a"), x -> x.loadBalance("roundrobin"));
        int stallerBefore = staller.calls.get();
        int timeouts = 0;
        for (int i = 0; i < 4; i++) {
            try {
                assertEquals("a", inv.whoami());
            } catch (RpcException e) {
                assertEquals(Code.CLIENT_TIMEOUT, e.code(), e.getMessage());
                timeouts++;
            }
        }
        assertEquals(2, timeouts);
        assertEquals(2, staller.calls.get() - stallerBefore);
    }

    @Test
    void failfastDoesNotRetryAStoppedProvider() {
        InventoryProvider victim = providers.start("ff-victim", Mode.OK);
        Inventory inv = ref("failfast", providers.urls("ff-victim"));
        assertEquals("ff-victim", inv.whoami());
        providers.stop("ff-victim");
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertTrue(Set.of(Code.CHANNEL_INACTIVE, Code.SERVICE_NOT_FOUND, Code.CLIENT_ERROR).contains(e.code()), e.toString());
        assertEquals(1, victim.calls.get());
    }

    // ------------------------------------------------------------------ failsafe

    @Test
    void failsafeAnswersEmptyValuesForFailedCalls() {
        Inventory stalled = ref("failsafe", providers.urls("staller"));
        assertNull(stalled.whoami());
        assertEquals(0, stalled.count());
        assertEquals(List.of(), stalled.items());

        providers.start("fs-victim", Mode.OK);
        Inventory stopped = ref("failsafe", providers.urls("fs-victim"));
        assertEquals("fs-victim", stopped.whoami());
        providers.stop("fs-victim");
        assertNull(stopped.whoami());
        assertEquals(Map.of(), stopped.stock());
        assertFalse(stopped.healthy());
    }

    @Test
    void failsafeStillDeliversTheServicesOwnException() {
        Inventory inv = ref("failsafe", providers.urls("thrower"));
        IllegalStateException e = assertThrows(IllegalStateException.class, inv::whoami);
        assertTrue(e.getMessage().contains("thrower refuses"));
    }

    // ------------------------------------------------------------------ failback

    @Test
    void failbackRetriesFailedCallsInTheBackgroundOnAnotherInstance() {
        Inventory inv = ref("failback", providers.urls("staller", "a"), x -> x.loadBalance("roundrobin")
                .option(ClusterOptions.FAILBACK_PERIOD, Duration.ofMillis(200)));
        Set<String> sent = new TreeSet<>();
        for (int i = 0; i < 4; i++) {
            String event = "fb-" + i;
            inv.record(event);
            sent.add(event);
        }
        // Those that hit the staller timed out, were answered empty, and are retried on "a".
        until(() -> new TreeSet<>(a.recorded).containsAll(sent), done -> done);
        assertTrue(staller.calls.get() >= 2);
    }

    @Test
    void failbackQueueIsBoundedAndClosingCancelsIt() {
        providers.start("fb-victim", Mode.OK);
        DubboProtocol client = new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build());
        ServiceKey key = ServiceKey.of(Inventory.class);
        InvokerDirectory directory = new InvokerDirectory(Inventory.class, key, List.of());
        directory.update(List.of(client.refer(Inventory.class, key, providers.url("fb-victim"))));
        FailbackCluster.FailbackInvoker invoker = (FailbackCluster.FailbackInvoker) new FailbackCluster().join(directory);
        try {
            providers.stop("fb-victim");
            CallOptions options = CallOptions.DEFAULT.with(CallOptions.TIMEOUT, TIMEOUT)
                    .with(ClusterOptions.FAILBACK_TASKS, 2)
                    .with(ClusterOptions.FAILBACK_PERIOD, Duration.ofSeconds(30));
            for (int i = 0; i < 5; i++) {
                RpcInvocation call = new RpcInvocation(key, "count", new Class<?>[0], null, int.class, null, options);
                Result r = invoker.invoke(call).join();
                assertEquals(0, r.value(), "an int method gets 0 at once");
            }
            assertEquals(2, invoker.pendingRetries());
        } finally {
            invoker.close();
            client.close();
        }
        assertEquals(0, invoker.pendingRetries());
    }

    // ------------------------------------------------------------------ forking

    @Test
    void forkingTakesTheFirstSuccessWithoutWaitingForTheStalledFork() {
        Inventory inv = ref("forking", providers.urls("staller", "a"), x -> x.timeout(Duration.ofSeconds(5)));
        int stallerCalls = staller.calls.get();
        // The staller would answer too, after 2 s and within the timeout: "a" won because it was first.
        assertEquals("a", inv.whoami());
        until(staller.calls::get, n -> n > stallerCalls);
    }

    @Test
    void forkingSendsToForksDistinctInstances() {
        Inventory inv = ref("forking", providers.urls("a", "b", "c"), x -> x.option(ClusterOptions.FORKS, 2));
        int before = a.calls.get() + b.calls.get() + c.calls.get();
        for (int i = 0; i < 10; i++) {
            assertTrue(Set.of("a", "b", "c").contains(inv.whoami()));
        }
        until(() -> a.calls.get() + b.calls.get() + c.calls.get() - before, n -> n == 20);
    }

    @Test
    void forkingFailsOnlyWhenEveryForkFailed() {
        providers.start("fk-victim", Mode.OK);
        Inventory inv = ref("forking", providers.urls("staller", "fk-victim"));
        providers.stop("fk-victim");
        RpcException e = assertThrows(RpcException.class, inv::whoami);
        assertTrue(e.getMessage().contains("failed on all") || e.code() == Code.SERVICE_NOT_FOUND
                || e.code() == Code.CLIENT_TIMEOUT, e.getMessage());
    }

    // ------------------------------------------------------------------ broadcast

    @Test
    void broadcastReachesEveryInstanceAndReportsTheLastFailure() {
        Inventory all = ref("broadcast", providers.urls("a", "b", "c"));
        all.record("bc-1");
        assertTrue(a.recorded.contains("bc-1") && b.recorded.contains("bc-1") && c.recorded.contains("bc-1"));

        Inventory withThrower = ref("broadcast", providers.urls("a", "thrower", "b"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> withThrower.record("bc-2"));
        assertTrue(e.getMessage().contains("thrower refuses"));
        assertTrue(a.recorded.contains("bc-2") && b.recorded.contains("bc-2"), "the broadcast went on past the failure");

        Inventory withStaller = ref("broadcast", providers.urls("staller", "c"));
        RpcException timeout = assertThrows(RpcException.class, () -> withStaller.record("bc-3"));
        assertEquals(Code.CLIENT_TIMEOUT, timeout.code());
        assertTrue(c.recorded.contains("bc-3"));
    }

    @Test
    void broadcastFailPercentStopsEarly() {
        int before = thrower.calls.get() + thrower2.calls.get();
        Inventory stopAtFirst = ref("broadcast", providers.urls("thrower", "thrower2"),
                x -> x.option(ClusterOptions.BROADCAST_FAIL_PERCENT, 0));
        assertThrows(IllegalStateException.class, () -> stopAtFirst.record("bp-1"));
        assertEquals(1, thrower.calls.get() + thrower2.calls.get() - before);

        Inventory everyone = ref("broadcast", providers.urls("thrower", "thrower2"));
        assertThrows(IllegalStateException.class, () -> everyone.record("bp-2"));
        assertEquals(3, thrower.calls.get() + thrower2.calls.get() - before);

        Inventory bad = ref("broadcast", providers.urls("a"), x -> x.option(ClusterOptions.BROADCAST_FAIL_PERCENT, 101));
        RpcException e = assertThrows(RpcException.class, () -> bad.record("bp-3"));
        assertTrue(e.getMessage().contains("0..100"), e.getMessage());
    }

    @Test
    void broadcastSkipsAStoppedInstance() {
        providers.start("bc-victim", Mode.OK);
        Inventory inv = ref("broadcast", providers.urls("bc-victim", "a"));
        inv.record("bv-1");
        providers.stop("bc-victim");
        try {
            inv.record("bv-2");
        } catch (RpcException e) {
            // The victim's connection may not be known dead yet: its failure is reported, the others still ran.
            assertTrue(Set.of(Code.CHANNEL_INACTIVE, Code.CLIENT_ERROR).contains(e.code()), e.toString());
        }
        assertTrue(a.recorded.containsAll(List.of("bv-1", "bv-2")));
    }

    // ------------------------------------------------------------------ available

    @Test
    void availableUsesTheFirstAvailableInstanceOnly() {
        Inventory both = ref("available", providers.urls("a", "b"));
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            answers.add(both.whoami());
        }
        assertEquals(1, answers.size(), "no load balancing: " + answers);

        providers.start("av-victim", Mode.OK);
        Inventory inv = ref("available", providers.urls("av-victim", "c"));
        assertTrue(Set.of("av-victim", "c").contains(inv.whoami()));
        providers.stop("av-victim");
        until(inv::whoami, "c"::equals);
        for (int i = 0; i < 5; i++) {
            assertEquals("c", inv.whoami());
        }
    }

    // ------------------------------------------------------------------ mergeable

    @Test
    void mergeableMergesEveryInstancesResultByType() {
        Inventory inv = ref("mergeable", providers.urls("a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(new TreeSet<>(inv.items())));
        assertEquals(3, inv.items().size());
        assertEquals(Set.of("a", "b", "c", "common"), inv.tags());
        assertEquals(Map.of("a", 1, "b", 1, "c", 1), inv.stock());
        String[] names = inv.names();
        java.util.Arrays.sort(names);
        assertArrayEquals(new String[]{"a", "b", "c"}, names);
        assertEquals(3, inv.count());
        assertTrue(inv.healthy());
        inv.record("mg-1");
        assertTrue(a.recorded.contains("mg-1") && b.recorded.contains("mg-1") && c.recorded.contains("mg-1"));

        Inventory max = ref("mergeable", providers.urls("a", "b", "c"), x -> x.option(ClusterOptions.MERGER, "max"));
        assertEquals(1, max.count());
    }

    @Test
    void mergeableLeavesOutThrowersAndFailsOnCallFailures() {
        Inventory withThrower = ref("mergeable", providers.urls("a", "thrower"));
        assertEquals(List.of("a"), withThrower.items());

        Inventory onlyThrowers = ref("mergeable", providers.urls("thrower", "thrower2"));
        assertThrows(IllegalStateException.class, onlyThrowers::items);

        Inventory withStaller = ref("mergeable", providers.urls("a", "staller"));
        RpcException e = assertThrows(RpcException.class, withStaller::items);
        assertEquals(Code.CLIENT_TIMEOUT, e.code());

        Inventory unknown = ref("mergeable", providers.urls("a", "b"), x -> x.option(ClusterOptions.MERGER, "no-such"));
        RpcException bad = assertThrows(RpcException.class, unknown::items);
        assertTrue(bad.getMessage().contains("no-such"), bad.getMessage());
    }

    @Test
    void mergeableFailsWhenAnInstanceStopsMidTest() {
        providers.start("mg-victim", Mode.OK);
        Inventory inv = ref("mergeable", providers.urls("mg-victim", "a"));
        assertEquals(2, inv.count());
        providers.stop("mg-victim");
        // Once the directory knows the victim is gone only "a" is merged; until then the call fails.
        assertEquals(1, until(() -> inv.count(), n -> n == 1));
    }

    // ------------------------------------------------------------------ context

    @Test
    void attachmentsFromRpcContextReachTheProviderOnce() {
        Inventory inv = ref("failover", providers.urls("a"));
        RpcContext.putAttachment("trace-id", "t-42");
        assertEquals("t-42", inv.attachment("trace-id"));
        assertNull(inv.attachment("trace-id"), "outgoing attachments are used by one call");
        assertTrue(RpcContext.receivedAttachments().isEmpty(), "the consumer thread serves no call");
    }

    @Test
    void unknownStrategyOrBalancerFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ref("no-such-cluster", providers.urls("a")));
        assertTrue(e.getMessage().contains("no Cluster named 'no-such-cluster'"), e.getMessage());
        Inventory inv = ref("failfast", providers.urls("a", "b"), x -> x.loadBalance("no-such-lb"));
        RpcException r = assertThrows(RpcException.class, inv::whoami);
        assertEquals(Code.CLIENT_ERROR, r.code());
    }
}
