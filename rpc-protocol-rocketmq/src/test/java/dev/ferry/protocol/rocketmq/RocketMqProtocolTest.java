package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcReference;
import dev.ferry.api.RpcService;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls over request-reply on a NameServer and broker started in this JVM. */
class RocketMqProtocolTest {

    private static EmbeddedRocketMq broker;
    private FerryBootstrap ferry;

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
        ferry = FerryBootstrap.builder()
                .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress())))
                .build();
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

        @Override
        public Account open(String owner, long cents) {
            return new Account(owner, cents);
        }

        @Override
        public CompletableFuture<Long> balanceAsync(String owner) {
            return CompletableFuture.completedFuture((long) owner.length() * 100);
        }

        @Override
        public void withdraw(String owner, long cents) throws InsufficientFunds {
            throw new InsufficientFunds(owner + " cannot withdraw " + cents);
        }

        @Override
        public String slow(long millis) throws InterruptedException {
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
        assertTrue(e.getMessage().contains(broker.nameServerAddress()), e.getMessage());
    }

    @Test
    void callSentBeforeAnyProviderRunsIsAnsweredWhenOneStarts() throws Exception {
        ServiceKey key = new ServiceKey(Accounts.class.getName(), "early", "1.0");
        broker.createTopic(TopicNames.topic(key), RocketMqProtocolConfig.DEFAULT_QUEUES);
        Accounts early = ferry.refer(ReferenceConfig.builder(Accounts.class).group("early").version("1.0")
                .protocol("rocketmq").retries(0).timeout(Duration.ofSeconds(20)).build());
        CompletableFuture<Long> pending = early.balanceAsync("grace");
        Thread.sleep(300);
        assertTrue(!pending.isDone(), "no provider runs yet");
        ferry.export(ServiceConfig.builder(Accounts.class, new AccountsImpl()).group("early").version("1.0")
                .protocol("rocketmq").build());
        assertEquals(500L, pending.get(20, TimeUnit.SECONDS));
    }

    @Test
    void topicNamesAreValidDeterministicAndDistinct() {
        ServiceKey a = new ServiceKey("com.acme.Greeter", "", "1.0.0");
        ServiceKey b = new ServiceKey("com_acme_Greeter", "", "1.0.0");
        assertEquals(TopicNames.topic(a), TopicNames.topic(new ServiceKey("com.acme.Greeter", null, "1.0.0")));
        assertTrue(!TopicNames.topic(a).equals(TopicNames.topic(b)));
        String longName = "com." + "verylongpackage.".repeat(20) + "Service";
        for (String t : List.of(TopicNames.topic(a), TopicNames.topic(new ServiceKey(longName, "g r/p", "v#1")),
                TopicNames.providerGroup(a))) {
            assertTrue(t.matches("[A-Za-z0-9_-]{1,127}"), t);
        }
    }
}
