package dev.ferry.protocol.rocketmq;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding a call's stored request and reply on the broker by its request key, decoded. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocketMqAuditTest {

    private static EmbeddedRocketMq mq;
    private static FerryBootstrap ferry;
    private static Payments payments;

    public interface Payments {
        Receipt pay(String from, String to, long cents) throws Declined;
    }

    public record Receipt(String from, String to, long cents) implements Serializable {
    }

    public static class Declined extends Exception {
        public Declined(String message) {
            super(message);
        }
    }

    @BeforeAll
    static void start() {
        mq = EmbeddedRocketMq.builder().build().start();
        ferry = FerryBootstrap.builder().protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(mq.nameServerAddress()))).build();
        ferry.export(ServiceConfig.builder(Payments.class, (from, to, cents) -> {
            if (cents > 1_000) {
                throw new Declined(from + " may not pay " + cents);
            }
            return new Receipt(from, to, cents);
        }).version("2").protocol("rocketmq").build());
        payments = ferry.refer(ReferenceConfig.builder(Payments.class).version("2").protocol("rocketmq")
                .timeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() {
        ferry.close();
        mq.close();
    }

    @Test
    void aCallsRequestAndReplyAreFoundByItsKeyAndDecoded() throws Exception {
        assertEquals(new Receipt("ada", "bob", 250), payments.pay("ada", "bob", 250));
        String key = RocketMqRequestKeys.lastSent().orElseThrow();
        try (RocketMqAudit audit = RocketMqAudit.builder(mq.nameServerAddress()).service(Payments.class, "", "2").build()) {
            AuditTrail trail = await(audit, key, t -> t.found() && t.answered());
            assertEquals(1, trail.requests().size(), trail.describe());
            AuditedRequest request = trail.requests().get(0);
            assertEquals(Payments.class.getName() + ":2", request.service());
            assertEquals("pay", request.method());
            assertEquals(List.of("ada", "bob", 250L), request.arguments());
            assertNull(request.problem());
            assertTrue(request.deadline().isAfter(request.storedAt()));
            assertEquals(TopicNames.UNTAGGED, request.messageTag());
            assertEquals("pay", request.properties().get(MessageProperties.METHOD));

            AuditedReply reply = trail.replies().get(0);
            assertTrue(reply.reachedService());
            assertEquals(new Receipt("ada", "bob", 250), reply.value());
            assertEquals(request.correlationId(), reply.correlationId(), "the reply answers this request");
            assertEquals(request.requestId(), reply.requestId());
            assertTrue(trail.describe().contains("pay[ada, bob, 250]"), trail.describe());
        }
    }

    @Test
    void aServiceExceptionIsStoredAsTheReply() throws Exception {
        Declined declined = assertThrows(Declined.class, () -> payments.pay("eve", "bob", 5_000));
        assertEquals("eve may not pay 5000", declined.getMessage());
        String key = RocketMqRequestKeys.lastSent().orElseThrow();
        try (RocketMqAudit audit = RocketMqAudit.builder(mq.nameServerAddress()).service(Payments.class, "", "2").build()) {
            AuditTrail trail = await(audit, key, t -> t.answered());
            AuditedReply reply = trail.replies().get(0);
            Declined stored = assertInstanceOf(Declined.class, reply.exception());
            assertEquals("eve may not pay 5000", stored.getMessage());
        }
    }

    @Test
    void withoutTheServiceInterfaceMessagesAreFoundButNotDecoded() throws Exception {
        payments.pay("cy", "di", 1);
        String key = RocketMqRequestKeys.lastSent().orElseThrow();
        try (RocketMqAudit audit = RocketMqAudit.builder(mq.nameServerAddress()).build()) {
            AuditTrail trail = await(audit, key, t -> t.found() && t.answered());
            AuditedRequest request = trail.requests().get(0);
            assertEquals("pay", request.method(), "the properties still tell the method");
            assertNull(request.arguments());
            assertTrue(request.problem().contains("no service " + Payments.class.getName()), request.problem());
            assertTrue(trail.replies().get(0).problem() != null);
        }
    }

    @Test
    void unknownAndHostileKeys() {
        try (RocketMqAudit audit = RocketMqAudit.builder(mq.nameServerAddress()).service(Payments.class, "", "2").build()) {
            assertFalse(audit.find("ferry-nobody:1").found());
            for (String bad : new String[] {"", "  ", "a b", "a\nb", "x".repeat(513)}) {
                assertThrows(IllegalArgumentException.class, () -> audit.find(bad), bad);
            }
            assertThrows(NullPointerException.class, () -> audit.find(null));
        }
        assertThrows(IllegalArgumentException.class, () -> RocketMqAudit.builder("no-port"));
        assertThrows(IllegalArgumentException.class, () -> RocketMqAudit.builder(mq.nameServerAddress()).service(Receipt.class));
        assertThrows(IllegalArgumentException.class, () -> RocketMqAudit.builder(mq.nameServerAddress()).maxMessages(0));
    }

    private static AuditTrail await(RocketMqAudit audit, String key, Predicate<AuditTrail> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        AuditTrail trail = audit.find(key);
        while (!done.test(trail) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the broker indexes a stored message a few milliseconds later
            trail = audit.find(key);
        }
        assertTrue(done.test(trail), trail.describe());
        return trail;
    }
}
