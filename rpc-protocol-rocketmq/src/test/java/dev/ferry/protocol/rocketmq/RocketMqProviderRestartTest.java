package dev.ferry.protocol.rocketmq;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A provider that starts after another does not run the calls its predecessor answered: closing
 * stores what was consumed, so the successor starts after it; and when the predecessor could not
 * store it (killed), the successor answers the requests it receives again with the replies the
 * broker stored for them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqProviderRestartTest {

    private static EmbeddedRocketMq mq;

    @BeforeAll
    static void startBroker() {
        mq = EmbeddedRocketMq.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        mq.close();
    }

    public interface Counter {
        int next(String who);
    }

    static final class CounterImpl implements Counter {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public int next(String who) {
            return runs.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "binary headers: {0}")
    @ValueSource(booleans = {true, false})
    void aRestartedProviderDoesNotRunAnsweredCallsAgain(boolean binaryHeaders) throws Exception {
        RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(mq.nameServerAddress())
                .binaryHeaders(binaryHeaders).build();
        String version = binaryHeaders ? "binary" : "json";
        try (FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
            CounterImpl first = new CounterImpl();
            FerryBootstrap provider = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
            provider.export(ServiceConfig.builder(Counter.class, first).version(version).protocol("rocketmq").build());
            Counter counter = consumer.refer(ReferenceConfig.builder(Counter.class).version(version).protocol("rocketmq")
                    .timeout(Duration.ofSeconds(20)).retries(0).build());
            for (int i = 1; i <= 40; i++) {
                assertEquals(i, counter.next("a"));
            }
            provider.close();

            CounterImpl second = new CounterImpl();
            try (FerryBootstrap again = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
                again.export(ServiceConfig.builder(Counter.class, second).version(version).protocol("rocketmq").build());
                // New calls on every queue: a call from before the restart still on a queue would be
                // taken ahead of the new call behind it.
                for (int i = 1; i <= 8; i++) {
                    counter.next("b");
                }
                assertEquals(8, second.runs.get(), "the successor runs only the new calls");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void requestsAnsweredByAProviderThatDiedBeforeItsAcknowledgementAreAnsweredFromTheStoredReplies()
            throws Exception {
        RocketMqProtocolConfig config = RocketMqProtocolConfig.of(mq.nameServerAddress());
        dev.ferry.api.ServiceKey key = new dev.ferry.api.ServiceKey(Counter.class.getName(), "", "inherited");
        try (FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
            FerryBootstrap first = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
            first.export(ServiceConfig.builder(Counter.class, new CounterImpl()).version("inherited").protocol("rocketmq")
                    .build());
            Counter counter = consumer.refer(ReferenceConfig.builder(Counter.class).version("inherited")
                    .protocol("rocketmq").timeout(Duration.ofSeconds(30)).retries(0).build());
            int answered = 12;
            for (int i = 1; i <= answered; i++) {
                assertEquals(i, counter.next("before"));
            }
            first.close();
            // As if the first provider had died before storing its acknowledgements.
            mq.rewindConsumerGroup(TopicNames.providerGroup(key, ""), TopicNames.topic(key));

            CounterImpl successor = new CounterImpl();
            RocketMqProtocol protocol = new RocketMqProtocol(config);
            try (FerryBootstrap second = FerryBootstrap.builder().protocol(protocol).build()) {
                second.export(ServiceConfig.builder(Counter.class, successor).version("inherited").protocol("rocketmq")
                        .build());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (settled(protocol.providerStats(key).orElseThrow()) < answered && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                RocketMqProviderStats stats = protocol.providerStats(key).orElseThrow();
                assertEquals(answered, stats.received(), "every answered request was delivered again");
                assertEquals(answered, stats.recovered(), "each was answered with its stored reply");
                assertEquals(0, stats.executed());
                assertEquals(0, successor.runs.get(), "none ran twice");

                assertEquals(1, counter.next("after"), "a new call runs");
                assertEquals(1, protocol.providerStats(key).orElseThrow().executed());
            }
        }
    }

    /** Requests the provider has finished with: answered from a stored reply, or run. */
    private static long settled(RocketMqProviderStats stats) {
        return stats.recovered() + stats.executed();
    }
}
