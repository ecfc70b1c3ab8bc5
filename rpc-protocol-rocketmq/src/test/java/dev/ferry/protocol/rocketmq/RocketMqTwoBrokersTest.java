package dev.ferry.protocol.rocketmq;

import dev.ferry.api.Endpoint;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two master brokers in one cluster: calls spread over both brokers and over two provider
 * instances, every reply reaches its caller (also through the broker that does not carry the
 * request topic: RocketMQ's "channel not found" trap), and discovery follows a broker that
 * leaves and comes back.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RocketMqTwoBrokersTest {

    private static EmbeddedRocketMq mq;

    public interface Echo {
        String echo(String text);
    }

    static final class EchoImpl implements Echo {
        final String name;
        final AtomicInteger calls = new AtomicInteger();

        EchoImpl(String name) {
            this.name = name;
        }

        @Override
        public String echo(String text) {
            calls.incrementAndGet();
            return name + ":" + text;
        }
    }

    @BeforeAll
    static void start() {
        mq = EmbeddedRocketMq.builder().brokers(2).build().start();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    private static RocketMqProtocolConfig config() {
        // Requests travel in batches, which the broker stores without naming their cluster: the
        // replies must still find their callers.
        return RocketMqProtocolConfig.builder(mq.nameServerAddress()).discoveryInterval(Duration.ofMillis(300))
                .sendsInFlight(1).build();
    }

    private static FerryBootstrap provider(RocketMqProtocolConfig config, String group, EchoImpl impl) {
        FerryBootstrap f = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
        f.export(ServiceConfig.builder(Echo.class, impl).group(group).protocol("rocketmq").build());
        return f;
    }

    @Test
    void callsSpreadOverBothBrokersAndBothProvidersAndEveryReplyReachesItsCaller() throws Exception {
        String group = "spread";
        ServiceKey key = new ServiceKey(Echo.class.getName(), group, "");
        EchoImpl a = new EchoImpl("a");
        EchoImpl b = new EchoImpl("b");
        try (FerryBootstrap pa = provider(config(), group, a);
             FerryBootstrap pb = provider(config(), group, b);
             FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(config())).build()) {
            RocketMqProtocol protocol = (RocketMqProtocol) consumer.protocol("rocketmq");
            List<Endpoint> endpoints = protocol.endpoints(key);
            assertEquals(2, endpoints.size(), "one endpoint per broker: " + endpoints);
            assertEquals(mq.brokerNames(), endpoints.stream().map(e -> e.parameter("broker", "")).sorted().toList());

            Echo echo = consumer.refer(ReferenceConfig.builder(Echo.class).group(group).protocol("rocketmq")
                    .timeout(Duration.ofSeconds(20)).retries(0).build());
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String text = "m" + i;
                    calls.add(CompletableFuture.supplyAsync(() -> echo.echo(text), callers));
                }
                for (int i = 0; i < 200; i++) {
                    String reply = calls.get(i).get(30, TimeUnit.SECONDS);
                    assertTrue(reply.equals("a:m" + i) || reply.equals("b:m" + i), reply);
                }
            } finally {
                callers.shutdownNow();
            }
            Map<String, Long> stored = mq.messageCounts(TopicNames.topic(key));
            System.out.printf("two brokers: provider a ran %d, b ran %d; stored per broker %s%n", a.calls.get(), b.calls.get(), stored);
            assertTrue(a.calls.get() > 0 && b.calls.get() > 0, "both providers got calls: a=" + a.calls + " b=" + b.calls);
            assertEquals(200, a.calls.get() + b.calls.get());
            for (Map.Entry<String, Long> e : stored.entrySet()) {
                assertTrue(e.getValue() > 0, "broker " + e.getKey() + " carried calls: " + stored);
            }
        }
    }

    @Test
    void repliesReachTheCallerThroughTheBrokerThatDoesNotCarryTheRequestTopic() throws Exception {
        String group = "one-broker";
        ServiceKey key = new ServiceKey(Echo.class.getName(), group, "");
        String first = mq.brokerNames().get(0);
        String second = mq.brokerNames().get(1);
        mq.createTopic(TopicNames.topic(key), 4, List.of(first));
        RocketMqProtocolConfig operatorsTopics = config().toBuilder().createTopics(false).build();
        EchoImpl a = new EchoImpl("a");
        try (FerryBootstrap pa = provider(operatorsTopics, group, a);
             FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(operatorsTopics)).build()) {
            RocketMqProtocol protocol = (RocketMqProtocol) consumer.protocol("rocketmq");
            assertEquals(List.of(first), protocol.endpoints(key).stream().map(e -> e.parameter("broker", "")).toList());
            Echo echo = consumer.refer(ReferenceConfig.builder(Echo.class).group(group).protocol("rocketmq")
                    .timeout(Duration.ofSeconds(20)).retries(0).build());
            assertEquals("a:first", echo.echo("first"));
            // The reply topic spans both brokers: the second one must know this requester too,
            // although no request of it ever passes there.
            mq.awaitReplyChannel(protocol.clientId(), Duration.ofSeconds(5));
            for (int i = 0; i < 60; i++) {
                assertEquals("a:" + i, echo.echo(Integer.toString(i)));
            }
            Map<String, Long> replies = mq.messageCounts(mq.replyTopic());
            System.out.printf("replies stored per broker %s (request topic only on %s)%n", replies, first);
            assertTrue(replies.get(second) > 0, "some replies went through " + second + ": " + replies);
            RocketMqProviderStats stats = ((RocketMqProtocol) pa.protocol("rocketmq")).providerStats(key).orElseThrow();
            assertEquals(0, stats.replyFailures(), stats.toString());
            assertEquals(61, stats.executed());
        }
    }

    @Test
    void discoveryFollowsABrokerThatLeavesAndComesBack() throws Exception {
        String group = "follow";
        ServiceKey key = new ServiceKey(Echo.class.getName(), group, "");
        EchoImpl a = new EchoImpl("a");
        String stays = mq.brokerNames().get(0);
        String leaves = mq.brokerNames().get(1);
        try (FerryBootstrap pa = provider(config(), group, a);
             FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(config())).build()) {
            RocketMqProtocol protocol = (RocketMqProtocol) consumer.protocol("rocketmq");
            AtomicReference<List<Endpoint>> seen = new AtomicReference<>(List.of());
            protocol.subscribe(key, seen::set);
            assertEquals(2, seen.get().size(), seen.get().toString());
            Echo echo = consumer.refer(ReferenceConfig.builder(Echo.class).group(group).protocol("rocketmq")
                    .timeout(Duration.ofSeconds(20)).build());
            assertEquals("a:before", echo.echo("before"));

            mq.stopBroker(leaves);
            List<Endpoint> one = await(seen, l -> l.size() == 1);
            assertEquals(stays, one.get(0).parameter("broker", ""));
            for (int i = 0; i < 10; i++) {
                assertEquals("a:while" + i, echo.echo("while" + i), "calls go to the broker that stayed");
            }

            mq.startBroker(leaves);
            List<Endpoint> two = await(seen, l -> l.size() == 2);
            assertEquals(mq.brokerNames(), two.stream().map(e -> e.parameter("broker", "")).sorted().toList());
            for (int i = 0; i < 20; i++) {
                assertEquals("a:after" + i, echo.echo("after" + i));
            }
            assertEquals(31, a.calls.get(), "every call ran once");
        }
    }

    private static List<Endpoint> await(AtomicReference<List<Endpoint>> seen, Predicate<List<Endpoint>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(seen.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("endpoints never changed as expected: " + seen.get());
            }
            Thread.sleep(20);
        }
        return seen.get();
    }
}
