package dev.ferry.protocol.rocketmq;

import dev.ferry.api.Invocation;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Response;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.RequestFutureHolder;
import org.apache.rocketmq.client.producer.RequestResponseFuture;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-least-once delivery made exactly-once in effect: a request seen again — sent twice with
 * one key, or redelivered by the broker because its reply could not be sent — runs once and is
 * answered from the provider's memory; messages that are not valid calls are refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqRedeliveryTest {

    private static EmbeddedRocketMq mq;
    private static final ServiceKey KEY = new ServiceKey(Vault.class.getName(), "", "1");
    private static final ServiceKey LEDGER = new ServiceKey(Ledger.class.getName(), "", "1");

    private FerryBootstrap ferry;
    private RocketMqProtocol protocol;
    private VaultImpl vault;
    private LedgerImpl ledger;
    private RawRequests raw;

    public interface Vault {
        Receipt deposit(String account, long cents);
    }

    public interface Ledger {
        String post(String entry);
    }

    public record Receipt(String account, long cents, int sequence) implements Serializable {
    }

    static final class VaultImpl implements Vault {
        final AtomicInteger deposits = new AtomicInteger();

        @Override
        public Receipt deposit(String account, long cents) {
            return new Receipt(account, cents, deposits.incrementAndGet());
        }
    }

    static final class LedgerImpl implements Ledger {
        final AtomicInteger posts = new AtomicInteger();

        @Override
        public String post(String entry) {
            posts.incrementAndGet();
            return "posted " + entry;
        }
    }

    @BeforeAll
    static void startBroker() {
        mq = EmbeddedRocketMq.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        mq.close();
    }

    @BeforeEach
    void export() throws Exception {
        protocol = new RocketMqProtocol(RocketMqProtocolConfig.of(mq.nameServerAddress()));
        ferry = FerryBootstrap.builder().protocol(protocol).build();
        vault = new VaultImpl();
        ledger = new LedgerImpl();
        ferry.export(ServiceConfig.builder(Vault.class, vault).version("1").protocol("rocketmq").build());
        ferry.export(ServiceConfig.builder(Ledger.class, ledger).version("1").protocol("rocketmq").build());
        raw = new RawRequests(mq.nameServerAddress());
    }

    @AfterEach
    void close() {
        raw.close();
        ferry.close();
    }

    @Test
    void aRequestSentTwiceWithOneKeyRunsOnceAndBothCopiesGetItsReply() throws Exception {
        Invocation inv = RawRequests.invocation(Vault.class, KEY, "deposit", "acc-1", 500L);
        byte[] frame = raw.frame(7, inv);
        String key = "raw-" + UUID.randomUUID() + ":7";
        long deadline = System.currentTimeMillis() + 20_000;
        Message first = raw.request(RawRequests.message(KEY, frame, key, deadline), 20_000);
        Message second = raw.request(RawRequests.message(KEY, frame, key, deadline), 20_000);

        Receipt a = (Receipt) raw.decode(first.getBody(), 7, inv, Vault.class).result().value();
        Receipt b = (Receipt) raw.decode(second.getBody(), 7, inv, Vault.class).result().value();
        assertEquals(new Receipt("acc-1", 500, 1), a);
        assertEquals(a, b, "the second copy is answered with the first one's result");
        assertEquals(1, vault.deposits.get(), "ran once");
        RocketMqProviderStats stats = protocol.providerStats(KEY).orElseThrow();
        assertEquals(1, stats.executed());
        assertEquals(1, stats.duplicates());
        assertEquals(key, first.getKeys(), "the reply carries the request key");
    }

    @Test
    void aRetryWithANewRequestIdGetsTheStoredReplyUnderItsOwnId() throws Exception {
        Invocation inv = RawRequests.invocation(Vault.class, KEY, "deposit", "acc-2", 1L);
        String key = "raw-" + UUID.randomUUID() + ":1";
        long deadline = System.currentTimeMillis() + 20_000;
        Message first = raw.request(RawRequests.message(KEY, raw.frame(1, inv), key, deadline), 20_000);
        // A failover retry of the same call: same key, new request id in the frame.
        Message retry = raw.request(RawRequests.message(KEY, raw.frame(2, inv), key, deadline), 20_000);
        Response r1 = raw.decode(first.getBody(), 1, inv, Vault.class);
        Response r2 = raw.decode(retry.getBody(), 2, inv, Vault.class);
        assertEquals(1, r1.id());
        assertEquals(2, r2.id(), "the stored reply is re-addressed to the retry's request id");
        assertEquals(r1.result().value(), r2.result().value());
        assertEquals(1, vault.deposits.get());
    }

    @Test
    void aReplyThatCannotBeSentLeavesTheRequestToBeRedeliveredAndTheRedeliveryIsAnsweredFromMemory() throws Exception {
        // A requester the broker does not know yet: pushing the reply to it fails, the provider
        // does not acknowledge, and the broker redelivers the request a second later.
        DefaultMQProducer late = new DefaultMQProducer("late_requester");
        late.setNamesrvAddr(mq.nameServerAddress());
        late.setInstanceName("late-" + UUID.randomUUID());
        String lateClientId = late.buildMQClientId();
        try {
            Invocation inv = RawRequests.invocation(Vault.class, KEY, "deposit", "acc-3", 42L);
            String key = "raw-" + UUID.randomUUID() + ":9";
            String correlationId = UUID.randomUUID().toString();
            Message msg = RawRequests.message(KEY, raw.frame(9, inv), key, System.currentTimeMillis() + 30_000);
            MessageAccessor.putProperty(msg, MessageConst.PROPERTY_CORRELATION_ID, correlationId);
            MessageAccessor.putProperty(msg, MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT, lateClientId);
            MessageAccessor.putProperty(msg, MessageConst.PROPERTY_MESSAGE_TTL, "30000");
            CompletableFuture<Message> reply = new CompletableFuture<>();
            RequestFutureHolder.getInstance().getRequestFutureTable().put(correlationId,
                    new RequestResponseFuture(correlationId, 60_000, new RequestCallback() {
                        @Override
                        public void onSuccess(Message message) {
                            if (message != null) {
                                reply.complete(message);
                            }
                        }

                        @Override
                        public void onException(Throwable e) {
                            reply.completeExceptionally(e);
                        }
                    }));
            raw.producer.send(msg);

            awaitStats(s -> s.replyFailures() >= 1);
            assertEquals(1, vault.deposits.get());
            late.start();
            late.getDefaultMQProducerImpl().getMqClientFactory().updateTopicRouteInfoFromNameServer(mq.replyTopic());
            mq.awaitRequester(late, java.time.Duration.ofSeconds(10));

            Message answer = reply.get(30, TimeUnit.SECONDS);
            Receipt receipt = (Receipt) raw.decode(answer.getBody(), 9, inv, Vault.class).result().value();
            assertEquals(new Receipt("acc-3", 42, 1), receipt);
            RocketMqProviderStats stats = awaitStats(s -> s.duplicates() >= 1);
            assertEquals(1, vault.deposits.get(), "redelivered, but ran once");
            assertEquals(1, stats.executed());
        } finally {
            late.shutdown();
        }
    }

    @Test
    void messagesThatAreNotValidCallsForTheServiceAreRefusedWithoutRunningAnything() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        // Not a frame at all: nobody can be told, the message is dropped.
        raw.producer.send(RawRequests.message(KEY, "{\"deposit\":1}".getBytes(StandardCharsets.UTF_8),
                "raw-junk:1", deadline));
        raw.producer.send(RawRequests.message(KEY, new byte[] {(byte) 0xda, (byte) 0xbb, (byte) 0xc2}, "raw-short:1", deadline));
        // A valid frame for another service on this service's topic: refused, answered 40.
        Invocation other = RawRequests.invocation(Ledger.class, LEDGER, "post", "x");
        Message refused = raw.request(RawRequests.message(KEY, raw.frame(3, other), "raw-other:3", deadline), 20_000);
        assertEquals(40, refused.getBody()[3], "BAD_REQUEST status");
        // A frame whose arguments do not match the method (a class outside the allowlist): refused.
        Invocation smuggled = RawRequests.invocation(Vault.class, KEY, "deposit", "acc", 1L);
        byte[] frame = raw.frame(4, smuggled);
        byte[] tampered = new String(frame, StandardCharsets.ISO_8859_1)
                .replace("deposit", "withdra").getBytes(StandardCharsets.ISO_8859_1);
        Message unknownMethod = raw.request(RawRequests.message(KEY, tampered, "raw-tampered:4", deadline), 20_000);
        assertEquals(60, unknownMethod.getBody()[3], "SERVICE_NOT_FOUND status for a method the service lacks");

        RocketMqProviderStats stats = awaitStats(s -> s.rejected() >= 4);
        assertEquals(0, stats.executed());
        assertEquals(0, vault.deposits.get());
        assertEquals(0, ledger.posts.get(), "the other service's implementation never ran");

        // A malformed deadline is no deadline, and a key too long to remember still runs once.
        Invocation inv = RawRequests.invocation(Vault.class, KEY, "deposit", "acc-4", 9L);
        Message m = RawRequests.message(KEY, raw.frame(5, inv), "k".repeat(4000), deadline);
        m.putUserProperty(MessageProperties.DEADLINE, "not-a-number");
        Message ok = raw.request(m, 20_000);
        Receipt r = (Receipt) raw.decode(ok.getBody(), 5, inv, Vault.class).result().value();
        assertNotNull(r);
        assertEquals(1, vault.deposits.get());
    }

    private RocketMqProviderStats awaitStats(Predicate<RocketMqProviderStats> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RocketMqProviderStats s = protocol.providerStats(KEY).orElseThrow();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = protocol.providerStats(KEY).orElseThrow();
        }
        assertTrue(done.test(s), "stats never got there: " + s);
        return s;
    }
}
