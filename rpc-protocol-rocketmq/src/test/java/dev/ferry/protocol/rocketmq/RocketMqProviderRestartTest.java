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
 * A provider that closes and starts again (a deployment) does not run the calls it already
 * answered: closing commits what it consumed, so its successor starts after them.
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
}
