package dev.ferry.protocol.rocketmq;

import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request topics on brokers that do not create topics by themselves
 * ({@code autoCreateTopicEnable=false}, as in production): Ferry creates them through the
 * admin API, or, with {@code createTopics} off, refuses to export until an operator has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqTopicsTest {

    private static EmbeddedRocketMq mq;

    public interface Clock {
        long now();
    }

    @BeforeAll
    static void start() {
        mq = EmbeddedRocketMq.builder().autoCreateTopics(false).build().start();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    @Test
    void withCreateTopicsOffAnExportFailsUntilAnOperatorCreatedTheTopic() {
        ServiceKey key = new ServiceKey(Clock.class.getName(), "ops", "");
        String topic = TopicNames.topic(key);
        RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(mq.nameServerAddress()).createTopics(false).build();
        try (FerryBootstrap ferry = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ferry.export(
                    ServiceConfig.builder(Clock.class, () -> 1L).group("ops").protocol("rocketmq").build()));
            assertTrue(e.getMessage().contains("mqadmin updateTopic -n " + mq.nameServerAddress() + " -c <cluster> -t "
                    + topic + " -r 4 -w 4"), e.getMessage());
            assertTrue(e.getMessage().contains("createTopics is off"), e.getMessage());

            mq.createTopic(topic, 4); // what the operator's mqadmin call does
            ferry.export(ServiceConfig.builder(Clock.class, () -> 42L).group("ops").protocol("rocketmq").build());
            Clock clock = ferry.refer(ReferenceConfig.builder(Clock.class).group("ops").protocol("rocketmq").build());
            assertEquals(42L, clock.now());
        }
    }

    @Test
    void withCreateTopicsOnTheTopicIsCreatedThroughTheAdminApiOnEveryMaster() {
        ServiceKey key = new ServiceKey(Clock.class.getName(), "dev", "");
        RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(mq.nameServerAddress()).queuesPerTopic(2).build();
        try (FerryBootstrap ferry = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
            ferry.export(ServiceConfig.builder(Clock.class, () -> 7L).group("dev").protocol("rocketmq").build());
            Clock clock = ferry.refer(ReferenceConfig.builder(Clock.class).group("dev").protocol("rocketmq").build());
            assertEquals(7L, clock.now());
            var route = mq.awaitRoute(TopicNames.topic(key), Duration.ofSeconds(5));
            assertEquals(2, route.getQueueDatas().get(0).getWriteQueueNums());
        }
    }

    @Test
    void aCallToATopicNobodyCreatedFailsAtOnceAndCreatesNothing() {
        ServiceKey key = new ServiceKey(Clock.class.getName(), "nobody", "");
        try (FerryBootstrap ferry = FerryBootstrap.builder()
                .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(mq.nameServerAddress()))).build()) {
            Clock clock = ferry.refer(ReferenceConfig.builder(Clock.class).group("nobody").protocol("rocketmq")
                    .retries(0).build());
            RpcException e = assertThrows(RpcException.class, clock::now);
            assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
            assertEquals(0L, mq.messageCounts(TopicNames.topic(key)).values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
