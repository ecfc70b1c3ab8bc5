package dev.ferry.protocol.rocketmq;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.ProviderProcess.Work;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider process killed with {@code kill -9} in the middle of a load loses no request:
 * what it had taken but not answered is unacknowledged, so the broker gives it to the other
 * provider. The callers do not retry (retries 0): every answer comes through the broker.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RocketMqProviderKillTest {

    private static final int CALLS = 40;

    @Test
    void aProviderKilledMidLoadLosesNoRequest() throws Exception {
        try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().build().start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ProviderProcess.class.getName(), mq.nameServerAddress(), "300")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CountDownLatch ready = new CountDownLatch(1);
            AtomicInteger childStarted = new AtomicInteger();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.equals("READY")) {
                            ready.countDown();
                        } else if (line.startsWith("CALL ")) {
                            childStarted.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the child died
                }
            }, "child-stdout");
            reader.setDaemon(true);
            reader.start();
            try {
                assertTrue(ready.await(90, TimeUnit.SECONDS), "the provider process started");
                AtomicInteger survivorRan = new AtomicInteger();
                RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(mq.nameServerAddress()).consumeThreads(4).build();
                // The caller batches its requests: the killed provider's share arrived in batches too.
                RocketMqProtocolConfig batching = config.toBuilder().sendsInFlight(1).build();
                try (FerryBootstrap survivor = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
                     FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(batching)).build()) {
                    survivor.export(ServiceConfig.builder(Work.class,
                            new ProviderProcess.WorkImpl("survivor", 300, n -> survivorRan.incrementAndGet()))
                            .protocol("rocketmq").build());
                    Work work = consumer.refer(ReferenceConfig.builder(Work.class).protocol("rocketmq")
                            .timeout(Duration.ofSeconds(90)).retries(0).build());
                    ExecutorService callers = Executors.newFixedThreadPool(CALLS);
                    try {
                        List<CompletableFuture<String>> calls = new ArrayList<>();
                        for (int i = 0; i < CALLS; i++) {
                            int n = i;
                            calls.add(CompletableFuture.supplyAsync(() -> {
                                try {
                                    return work.run(n);
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            }, callers));
                        }
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (childStarted.get() < 3 && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                        assertTrue(childStarted.get() >= 3, "the provider process took calls");
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the broker
                        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                        int killedAfter = childStarted.get();

                        int bySurvivor = 0;
                        for (int i = 0; i < CALLS; i++) {
                            String reply = calls.get(i).get(90, TimeUnit.SECONDS);
                            assertTrue(reply.equals("child:" + i) || reply.equals("survivor:" + i), reply);
                            bySurvivor += reply.startsWith("survivor:") ? 1 : 0;
                        }
                        System.out.printf("provider kill: the killed process had started %d calls; the survivor answered"
                                + " %d of %d (ran %d, redeliveries included)%n", killedAfter, bySurvivor, CALLS, survivorRan.get());
                        assertTrue(bySurvivor > 0);
                    } finally {
                        callers.shutdownNow();
                    }
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
