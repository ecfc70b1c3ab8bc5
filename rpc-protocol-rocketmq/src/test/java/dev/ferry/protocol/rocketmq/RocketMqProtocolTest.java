package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcReference;
import dev.ferry.api.RpcService;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls over request-reply on a NameServer and broker started in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqProtocolTest {

    private static EmbeddedRocketMq broker;
    private FerryBootstrap ferry;
    private RocketMqProtocol protocol;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedRocketMq.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() {
        protocol = new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress()));
        ferry = FerryBootstrap.builder().protocol(protocol).build();
    }

    @AfterEach
    void stop() {
        ferry.close();
    }

    public interface Accounts {
        Account open(String owner, long cents);

        CompletableFuture<Long> balanceAsync(String owner);

        void withdraw(String owner, long cents) throws InsufficientFunds;

        String slow(long millis) throws InterruptedException;

        void audit(String note);

        Account missing();
    }

    public static class Account implements Serializable {
        private String owner;
        private long cents;

        public Account() {
        }

        Account(String owner, long cents) {
            this.owner = owner;
            this.cents = cents;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && a.cents == cents && Objects.equals(a.owner, owner);
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, cents);
        }
    }

    public static class InsufficientFunds extends Exception {
        public InsufficientFunds(String message) {
            super(message);
        }
    }

    @RpcService(protocol = "rocketmq", version = "1.0")
    public static final class AccountsImpl implements Accounts {
        static final AtomicInteger AUDITS = new AtomicInteger();
        static final CountDownLatch AUDITED = new CountDownLatch(1);
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger balances = new AtomicInteger();
        final AtomicInteger slowRuns = new AtomicInteger();

        @Override
        public Account open(String owner, long cents) {
            opened.incrementAndGet();
            return new Account(owner, cents);
        }

        @Override
        public CompletableFuture<Long> balanceAsync(String owner) {
            balances.incrementAndGet();
            // Completed later, on another thread: the provider must not need the consume thread's result.
            return CompletableFuture.supplyAsync(() -> (long) owner.length() * 100,
                    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        }

        @Override
        public void withdraw(String owner, long cents) throws InsufficientFunds {
            throw new InsufficientFunds(owner + " cannot withdraw " + cents);
        }

        @Override
        public String slow(long millis) throws InterruptedException {
            slowRuns.incrementAndGet();
            Thread.sleep(millis);
            return "slept " + millis;
        }

        @Override
        public void audit(String note) {
            AUDITS.incrementAndGet();
            AUDITED.countDown();
        }

        @Override
        public Account missing() {
            return null;
        }
    }

    static final class Teller {
        @RpcReference(protocol = "rocketmq", version = "1.0", timeout = 5000)
        Accounts accounts;
    }

    @Test
    void annotatedServiceIsCalledOverTheBroker() throws Exception {
        ferry.export(new AccountsImpl());
        Accounts accounts = ferry.inject(new Teller()).accounts;
        assertEquals(new Account("ada", 500), accounts.open("ada", 500));
        assertNull(accounts.missing());
        assertEquals(300L, accounts.balanceAsync("ada").get(5, TimeUnit.SECONDS));
        InsufficientFunds e = assertThrows(InsufficientFunds.class, () -> accounts.withdraw("ada", 1_000));
        assertEquals("ada cannot withdraw 1000", e.getMessage());
        assertTrue(RocketMqRequestKeys.lastSent().orElseThrow().startsWith("ferry-"), "the caller sees its request key");
    }

    @Test
    void jsonHeaderClientsAndBinaryHeaderClientsCallEachOther() throws Exception {
        RocketMqProtocolConfig json = RocketMqProtocolConfig.builder(broker.nameServerAddress()).binaryHeaders(false).build();
        // This test's provider speaks binary headers, the JSON client calls it; then the reverse.
        ferry.export(ServiceConfig.builder(Accounts.class, new AccountsImpl()).version("1.0").protocol("rocketmq").build());
        try (FerryBootstrap jsonSide = FerryBootstrap.builder().protocol(new RocketMqProtocol(json)).build()) {
            Accounts viaJson = jsonSide.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                    .timeout(Duration.ofSeconds(10)).build());
            assertEquals(new Account("json", 1), viaJson.open("json", 1));

            jsonSide.export(ServiceConfig.builder(Accounts.class, new AccountsImpl()).version("2.0").protocol("rocketmq")
                    .build());
            Accounts toJson = ferry.refer(ReferenceConfig.builder(Accounts.class).version("2.0").protocol("rocketmq")
                    .timeout(Duration.ofSeconds(10)).build());
            assertEquals(new Account("binary", 2), toJson.open("binary", 2));
        }
    }

    @Test
    void binaryHeadersHookMarksEveryRequestAndLeavesResponsesAlone() {
        org.apache.rocketmq.remoting.protocol.RemotingCommand request =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(10, null);
        assertEquals(org.apache.rocketmq.remoting.protocol.SerializeType.JSON, request.getSerializeTypeCurrentRPC());
        new BinaryHeaders().doBeforeRequest("127.0.0.1:1", request);
        assertEquals(org.apache.rocketmq.remoting.protocol.SerializeType.ROCKETMQ, request.getSerializeTypeCurrentRPC());
    }

    @Test
    void aRetryAfterATimeoutGoesUnderTheFirstAttemptsKeyAndTheCallRunsOnce() throws Exception {
        AccountsImpl impl = new AccountsImpl();
        ferry.export(ServiceConfig.builder(Accounts.class, impl).version("1.0").protocol("rocketmq").build());
        Accounts accounts = ferry.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                .timeout(Duration.ofMillis(1_000)).retries(1).build());
        // The first attempt times out while the call runs; the retry is the same request to the
        // provider, which answers it when the first run ends instead of running it again.
        assertEquals("slept 1500", accounts.slow(1_500));
        assertEquals(1, impl.slowRuns.get());
        RocketMqProviderStats stats = protocol.providerStats(new ServiceKey(Accounts.class.getName(), "", "1.0"))
                .orElseThrow();
        assertEquals(1, stats.executed());
        assertEquals(1, stats.duplicates());
    }

    @Test
    void endpointsAreTheBrokersThatCarryTheServiceTopic() {
        ServiceKey key = new ServiceKey(Accounts.class.getName(), "", "1.0");
        List<Endpoint> before = protocol.endpoints(new ServiceKey(Accounts.class.getName(), "nobody", "1.0"));
        assertEquals(1, before.size());
        assertEquals(broker.nameServerAddress(), before.get(0).address(), "no route yet: the NameServer itself");

        ferry.export(new AccountsImpl());
        List<Endpoint> endpoints = protocol.endpoints(key);
        String name = broker.brokerNames().get(0);
        assertEquals(1, endpoints.size(), endpoints.toString());
        Endpoint e = endpoints.get(0);
        assertEquals("rocketmq", e.protocol());
        assertEquals(broker.brokerAddresses().get(name), e.address());
        assertEquals(name, e.parameter("broker", null));
        assertEquals(TopicNames.topic(key), e.parameter("topic", null));
        assertEquals("transport", e.parameter("tag.routing", null), "tells a tag router that the broker routes tags");
    }

    @Test
    void asyncMethodIsAnsweredWhenItsFutureCompletes() throws Exception {
        AccountsImpl impl = new AccountsImpl();
        ferry.export(ServiceConfig.builder(Accounts.class, impl).version("1.0").protocol("rocketmq").build());
        Accounts accounts = ferry.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                .timeout(Duration.ofSeconds(10)).build());
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            calls.add(accounts.balanceAsync("x".repeat(i)));
        }
        for (int i = 1; i <= 20; i++) {
            assertEquals(i * 100L, calls.get(i - 1).get(10, TimeUnit.SECONDS));
        }
        assertEquals(20, impl.balances.get());
    }

    @Test
    void aCallerThreadTurnsThroughEveryQueueOfTheTopic() throws Exception {
        ferry.export(new AccountsImpl());
        Accounts accounts = ferry.inject(new Teller()).accounts;
        String topic = TopicNames.topic(new ServiceKey(Accounts.class.getName(), "", "1.0"));
        String brokerName = broker.messageCounts(topic).keySet().iterator().next();
        DefaultMQProducer reader = new DefaultMQProducer("queue_reader");
        reader.setNamesrvAddr(broker.nameServerAddress());
        reader.setInstanceName("queue-reader-" + UUID.randomUUID());
        reader.start();
        try {
            int queues = RocketMqProtocolConfig.DEFAULT_QUEUES;
            long[] before = endOffsets(reader, topic, brokerName, queues);
            for (int i = 0; i < 2 * queues; i++) {
                accounts.open("turn-" + i, i);
            }
            long[] added = new long[queues];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long sum;
            do {
                // The consume queues are built from the commit log a few milliseconds after a store.
                Thread.sleep(20);
                long[] after = endOffsets(reader, topic, brokerName, queues);
                sum = 0;
                for (int q = 0; q < queues; q++) {
                    added[q] = after[q] - before[q];
                    sum += added[q];
                }
            } while (sum < 2L * queues && System.nanoTime() < deadline);
            for (int q = 0; q < queues; q++) {
                assertEquals(2, added[q], "calls from one thread in queue " + q + " of " + Arrays.toString(added));
            }
        } finally {
            reader.shutdown();
        }
    }

    @SuppressWarnings("deprecation") // MQAdmin.maxOffset: the plain client's way to read a queue's end
    private static long[] endOffsets(DefaultMQProducer reader, String topic, String brokerName, int queues)
            throws Exception {
        long[] offsets = new long[queues];
        for (int q = 0; q < queues; q++) {
            offsets[q] = reader.maxOffset(new MessageQueue(topic, brokerName, q));
        }
        return offsets;
    }

    @Test
    void onewayCallIsStoredAndRun() throws Exception {
        ferry.export(new AccountsImpl());
        Accounts oneway = ferry.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                .option(CallOptions.ONEWAY, true).build());
        oneway.audit("closing");
        assertTrue(AccountsImpl.AUDITED.await(10, TimeUnit.SECONDS));
    }

    @Test
    void serviceNobodyExportedFailsFastNamingServiceMethodAndAddress() {
        Accounts nobody = ferry.refer(ReferenceConfig.builder(Accounts.class).version("9.9").protocol("rocketmq")
                .retries(0).timeout(Duration.ofSeconds(10)).build());
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> nobody.open("x", 1));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "failed before the call's timeout");
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains(Accounts.class.getName() + ":9.9#open"), e.getMessage());
        assertTrue(e.getMessage().contains("rocketmq://" + broker.nameServerAddress()), e.getMessage());
        assertTrue(e.getMessage().contains("no route for topic"), e.getMessage());
    }

    @Test
    void expiredTimeoutNamesServiceMethodAndAddress() {
        ferry.export(new AccountsImpl());
        Accounts impatient = ferry.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                .retries(0).timeout(Duration.ofMillis(300)).build());
        RpcException e = assertThrows(RpcException.class, () -> impatient.slow(2_000));
        assertEquals(RpcException.Code.CLIENT_TIMEOUT, e.code());
        assertTrue(e.getMessage().contains(Accounts.class.getName() + ":1.0#slow"), e.getMessage());
        String brokerName = broker.brokerNames().get(0);
        assertTrue(e.getMessage().contains("rocketmq://" + broker.brokerAddresses().get(brokerName)), e.getMessage());
        assertTrue(e.getMessage().contains("was stored on broker " + brokerName), e.getMessage());
        assertTrue(e.getMessage().contains("key ferry-"), "names the request key: " + e.getMessage());
    }

    @Test
    void callsSentBeforeAnyProviderRunsAreAnsweredWhenOneStartsWithinTheirDeadline() throws Exception {
        ServiceKey key = new ServiceKey(Accounts.class.getName(), "early", "1.0");
        broker.createTopic(TopicNames.topic(key), RocketMqProtocolConfig.DEFAULT_QUEUES);
        Accounts patient = ferry.refer(ReferenceConfig.builder(Accounts.class).group("early").version("1.0")
                .protocol("rocketmq").retries(0).timeout(Duration.ofSeconds(30)).build());
        Accounts hasty = ferry.refer(ReferenceConfig.builder(Accounts.class).group("early").version("1.0")
                .protocol("rocketmq").retries(0).timeout(Duration.ofMillis(300)).build());
        List<CompletableFuture<Long>> waiting = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            waiting.add(patient.balanceAsync("y".repeat(i)));
        }
        // Stored too, but its caller gives up before any provider runs: the provider must drop it.
        ExecutionException gaveUp = assertThrows(ExecutionException.class, () -> hasty.balanceAsync("late").get(10, TimeUnit.SECONDS));
        assertEquals(RpcException.Code.CLIENT_TIMEOUT, ((RpcException) gaveUp.getCause()).code());
        for (CompletableFuture<Long> f : waiting) {
            assertFalse(f.isDone(), "no provider runs yet");
        }

        AccountsImpl impl = new AccountsImpl();
        ferry.export(ServiceConfig.builder(Accounts.class, impl).group("early").version("1.0").protocol("rocketmq").build());
        for (int i = 1; i <= 10; i++) {
            assertEquals(i * 100L, waiting.get(i - 1).get(30, TimeUnit.SECONDS));
        }
        RocketMqProviderStats stats = awaitStats(key, s -> s.expired() >= 1);
        assertEquals(10, impl.balances.get(), "the expired call never ran");
        assertEquals(10, stats.executed());
        assertEquals(1, stats.expired());
    }

    @Test
    void providerDropsACallWhoseDeadlinePassedWhileItWaitedAndCountsIt() throws Exception {
        AccountsImpl impl = new AccountsImpl();
        ServiceKey key = new ServiceKey(Accounts.class.getName(), "busy", "1.0");
        // One consume thread: the second call waits in the broker behind the first.
        try (FerryBootstrap narrow = FerryBootstrap.builder().protocol(new RocketMqProtocol(
                RocketMqProtocolConfig.builder(broker.nameServerAddress()).consumeThreads(1).build())).build()) {
            narrow.export(ServiceConfig.builder(Accounts.class, impl).group("busy").version("1.0").protocol("rocketmq").build());
            Accounts slowCaller = ferry.refer(ReferenceConfig.builder(Accounts.class).group("busy").version("1.0")
                    .protocol("rocketmq").retries(0).timeout(Duration.ofSeconds(20)).build());
            Accounts hasty = ferry.refer(ReferenceConfig.builder(Accounts.class).group("busy").version("1.0")
                    .protocol("rocketmq").retries(0).timeout(Duration.ofMillis(300)).build());
            CompletableFuture<String> busy = CompletableFuture.supplyAsync(() -> {
                try {
                    return slowCaller.slow(1_500);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitStats(narrow, key, s -> s.executed() >= 1);
            // The only consume thread is busy for over a second: this call's 300 ms pass while it waits.
            RpcException e = assertThrows(RpcException.class, () -> hasty.open("late", 1));
            assertEquals(RpcException.Code.CLIENT_TIMEOUT, e.code());
            assertEquals("slept 1500", busy.get(20, TimeUnit.SECONDS));
            RocketMqProviderStats stats = awaitStats(narrow, key, s -> s.expired() >= 1);
            assertEquals(1, stats.expired());
            assertEquals(0, impl.opened.get(), "the expired call never ran");
            assertEquals(1, stats.executed());
        }
    }

    @Test
    void topicNamesAreValidDeterministicAndDistinct() {
        ServiceKey a = new ServiceKey("com.acme.Greeter", "", "1.0.0");
        ServiceKey b = new ServiceKey("com_acme_Greeter", "", "1.0.0");
        assertEquals(TopicNames.topic(a), TopicNames.topic(new ServiceKey("com.acme.Greeter", null, "1.0.0")));
        assertTrue(!TopicNames.topic(a).equals(TopicNames.topic(b)));
        String longName = "com." + "verylongpackage.".repeat(20) + "Service";
        for (String t : List.of(TopicNames.topic(a), TopicNames.topic(new ServiceKey(longName, "g r/p", "v#1")),
                TopicNames.providerGroup(a), TopicNames.providerGroup(a, "gray"),
                TopicNames.providerGroup(new ServiceKey(longName, "g", "1"), "x".repeat(64)))) {
            assertTrue(t.matches("[A-Za-z0-9_-]{1,127}"), t);
        }
        assertTrue(!TopicNames.providerGroup(a, "gray").equals(TopicNames.providerGroup(a)));
        assertTrue(!TopicNames.providerGroup(a, "gray").equals(TopicNames.providerGroup(a, "gray_")));
        assertEquals(TopicNames.providerGroup(a), TopicNames.providerGroup(a, ""));
    }

    @Test
    void hostileTagsAreRefusedOnBothSides() {
        for (String bad : new String[] {"a||b", "gray canary", "~untagged", "x".repeat(65), "tab\t", "*", "a/b", "\u0000"}) {
            assertThrows(IllegalArgumentException.class, () -> TopicNames.checkTag(bad), bad);
        }
        assertEquals("gray-1.2_x", TopicNames.checkTag("gray-1.2_x"));
        AccountsImpl impl = new AccountsImpl();
        ferry.export(ServiceConfig.builder(Accounts.class, impl).version("1.0").protocol("rocketmq").build());
        Accounts tagged = ferry.refer(ReferenceConfig.builder(Accounts.class).version("1.0").protocol("rocketmq")
                .retries(0).option(CallOptions.TAG, "a||b").build());
        RpcException e = assertThrows(RpcException.class, () -> tagged.open("x", 1));
        assertEquals(RpcException.Code.CLIENT_ERROR, e.code());
        assertTrue(e.getMessage().contains("invalid routing tag"), e.getMessage());
        assertEquals(0, impl.opened.get());
    }

    private RocketMqProviderStats awaitStats(ServiceKey key, java.util.function.Predicate<RocketMqProviderStats> done)
            throws InterruptedException {
        return awaitStats(ferry, key, done);
    }

    private static RocketMqProviderStats awaitStats(FerryBootstrap on, ServiceKey key,
                                                    java.util.function.Predicate<RocketMqProviderStats> done)
            throws InterruptedException {
        RocketMqProtocol p = assertInstanceOf(RocketMqProtocol.class, on.protocol("rocketmq"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RocketMqProviderStats s = p.providerStats(key).orElseThrow();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = p.providerStats(key).orElseThrow();
        }
        assertTrue(done.test(s), "stats never got there: " + s);
        return s;
    }
}
