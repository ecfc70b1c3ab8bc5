package dev.ferry.registry.zookeeper;

import dev.ferry.core.bootstrap.FerryBootstrap;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider shutting down leaves the registry first, so callers move away without a failed call. */
class GracefulShutdownTest extends ZookeeperServerTest {

    /** One call's outcome: who answered, when it ended. */
    private record Call(long endedNanos, String who) {
    }

    @Test
    void aProviderShuttingDownGracefullyFailsNoCall() throws Exception {
        ZookeeperRegistryConfig config = ZkTestSupport.isolated(server.getConnectString());
        Nodes.Provider a = Nodes.provider(config, "a", FerryBootstrap.DEFAULT_UNREGISTER_GRACE);
        try (Nodes.Provider b = Nodes.provider(config, "b", Duration.ZERO);
             FerryBootstrap consumer = Nodes.bootstrap(ZookeeperRegistry.connect(config), Duration.ZERO)) {
            Echo echo = consumer.refer(Nodes.reference()); // no retries: a failed call would surface
            Await.until("both providers answer", () -> {
                Set<String> who = new HashSet<>();
                for (int i = 0; i < 40; i++) {
                    who.add(echo.who());
                }
                return who.equals(Set.of("a", "b"));
            });

            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread caller = new Thread(() -> {
                    while (running.get()) {
                        try {
                            String who = echo.who();
                            calls.add(new Call(System.nanoTime(), who));
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }, "caller-" + t);
                caller.start();
                callers.add(caller);
            }
            Await.sleep(300);
            long closing = System.nanoTime();
            a.close();
            long closed = System.nanoTime();
            Await.sleep(500);
            running.set(false);
            for (Thread caller : callers) {
                caller.join(10_000);
            }

            assertTrue(failures.isEmpty(), failures.size() + " failed call(s), first: " + (failures.isEmpty() ? ""
                    : failures.get(0)));
            assertTrue(closed - closing >= FerryBootstrap.DEFAULT_UNREGISTER_GRACE.toNanos(),
                    "the provider kept serving through the grace period");
            long duringClose = calls.stream().filter(c -> c.endedNanos() > closing && c.endedNanos() < closed).count();
            assertTrue(duringClose > 0, "calls went on while the provider was closing");
            Set<String> afterClose = calls.stream().filter(c -> c.endedNanos() > closed).map(Call::who)
                    .collect(Collectors.toSet());
            assertEquals(Set.of("b"), afterClose, "after it closed, only the remaining provider answers");
            System.out.printf("graceful shutdown: %d calls, %d while the provider was closing, 0 failed%n",
                    calls.size(), duringClose);
        } finally {
            a.close();
        }
    }

    @Test
    void theGraceIsConfigurableAndNeverNegative() {
        try (FerryBootstrap b = FerryBootstrap.builder().build()) {
            assertEquals(FerryBootstrap.DEFAULT_UNREGISTER_GRACE, b.unregisterGrace());
        }
        try (FerryBootstrap b = FerryBootstrap.builder().unregisterGrace(Duration.ofMillis(250)).build()) {
            assertEquals(Duration.ofMillis(250), b.unregisterGrace());
        }
        assertThrows(IllegalArgumentException.class, () -> FerryBootstrap.builder().unregisterGrace(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> FerryBootstrap.builder().unregisterGrace(null));
    }
}
