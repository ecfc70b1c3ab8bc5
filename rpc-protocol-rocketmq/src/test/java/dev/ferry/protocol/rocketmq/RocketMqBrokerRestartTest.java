package dev.ferry.protocol.rocketmq;

import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker restarts (same port, same store) while callers keep calling: calls made after it
 * is back succeed, and no call is run twice — not the ones stored before the restart and
 * delivered or redelivered after it, not the ones the callers retried.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RocketMqBrokerRestartTest {

    public interface Journal {
        long record(long sequence);
    }

    static final class JournalImpl implements Journal {
        final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

        @Override
        public long record(long sequence) {
            runs.computeIfAbsent(sequence, s -> new AtomicInteger()).incrementAndGet();
            return sequence;
        }
    }

    @Test
    void callsAfterABrokerRestartSucceedAndNothingSentBeforeRunsTwice() throws Exception {
        JournalImpl journal = new JournalImpl();
        ServiceKey key = new ServiceKey(Journal.class.getName(), "", "");
        Path store;
        try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().build().start()) {
            store = mq.storeDirectory();
            RocketMqProtocolConfig here = RocketMqProtocolConfig.builder(mq.nameServerAddress())
                    .discoveryInterval(Duration.ofMillis(500)).consumeThreads(8).build();
            try (FerryBootstrap provider = FerryBootstrap.builder().protocol(new RocketMqProtocol(here)).build();
                 FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(here)).build()) {
                provider.export(ServiceConfig.builder(Journal.class, journal).protocol("rocketmq").build());
                Journal ref = consumer.refer(ReferenceConfig.builder(Journal.class).protocol("rocketmq")
                        .timeout(Duration.ofSeconds(3)).retries(2).build());

                AtomicLong next = new AtomicLong();
                AtomicLong restartedAfter = new AtomicLong(Long.MAX_VALUE);
                AtomicInteger okAfterRestart = new AtomicInteger();
                Set<Long> answered = ConcurrentHashMap.newKeySet();
                Set<Long> wrong = ConcurrentHashMap.newKeySet();
                AtomicInteger failed = new AtomicInteger();
                AtomicBoolean running = new AtomicBoolean(true);
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread caller = new Thread(() -> {
                        while (running.get()) {
                            long s = next.incrementAndGet();
                            try {
                                long got = ref.record(s);
                                if (got != s) {
                                    wrong.add(s);
                                }
                                answered.add(s);
                                if (s > restartedAfter.get()) {
                                    okAfterRestart.incrementAndGet();
                                }
                            } catch (RpcException e) {
                                failed.incrementAndGet();
                                pause(50); // the broker is down: do not spin
                            }
                        }
                    }, "caller-" + t);
                    caller.start();
                    callers.add(caller);
                }
                awaitTrue(() -> answered.size() >= 40, "40 calls before the restart");

                String broker = mq.brokerNames().get(0);
                mq.restartBroker(broker);
                restartedAfter.set(next.get());

                awaitTrue(() -> okAfterRestart.get() >= 40, "40 calls after the restart");
                running.set(false);
                for (Thread c : callers) {
                    c.join(30_000);
                }
                // Let redeliveries of anything stored before the restart arrive: wait until the
                // provider has seen nothing new for a while.
                RocketMqProtocol providerProtocol = (RocketMqProtocol) provider.protocol("rocketmq");
                long seen = -1;
                for (int quiet = 0; quiet < 15; ) {
                    long now = providerProtocol.providerStats(key).orElseThrow().received();
                    quiet = now == seen ? quiet + 1 : 0;
                    seen = now;
                    Thread.sleep(100);
                }

                RocketMqProviderStats stats = providerProtocol.providerStats(key).orElseThrow();
                System.out.printf("broker restart: %d calls answered, %d failed while it was down, %d after it; %s%n",
                        answered.size(), failed.get(), okAfterRestart.get(), stats);
                assertTrue(wrong.isEmpty(), "calls answered with another call's result: " + wrong);
                for (Map.Entry<Long, AtomicInteger> e : journal.runs.entrySet()) {
                    assertEquals(1, e.getValue().get(), "call " + e.getKey() + " ran " + e.getValue() + " times");
                }
                for (long s : answered) {
                    assertTrue(journal.runs.containsKey(s), "answered call " + s + " never ran");
                }
            }
        }
        assertFalse(Files.exists(store), "close() removes the store, restarted broker included");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
