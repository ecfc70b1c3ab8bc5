package dev.ferry.examples.rocketmq;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.rocketmq.AuditTrail;
import dev.ferry.protocol.rocketmq.RocketMqAudit;
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.RocketMqRequestKeys;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;

import java.time.Duration;

/**
 * Every call over RocketMQ is a stored message: this finds a call's request and reply on the
 * broker by its request key and prints them decoded.
 *
 * <p>With no arguments it starts a NameServer and broker in this JVM, makes two payments (one
 * declined) and audits both. With {@code <namesrv host:port> <request key> [service interface]}
 * it audits a call on an existing cluster (the interface, when on the class path, decodes the
 * arguments and the result).
 */
public final class AuditExample {

    private AuditExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2) {
            auditExisting(args);
        } else {
            demo();
        }
        // RocketMQ's client leaves non-daemon threads behind after shutdown: exit explicitly.
        System.exit(0);
    }

    private static void demo() throws Exception {
        try (EmbeddedRocketMq broker = EmbeddedRocketMq.builder().build().start();
             FerryBootstrap ferry = FerryBootstrap.builder()
                     .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress())))
                     .build()) {
            ferry.export(ServiceConfig.builder(Payments.class, new PaymentsImpl()).protocol("rocketmq").build());
            Payments payments = ferry.refer(ReferenceConfig.builder(Payments.class).protocol("rocketmq").build());

            Payments.Receipt receipt = payments.pay("ada", "bob", 2_500);
            String paid = RocketMqRequestKeys.lastSent().orElseThrow();
            System.out.println("paid " + receipt + "  [request key " + paid + "]");
            String declined;
            try {
                payments.pay("eve", "bob", 50_000);
                throw new IllegalStateException("expected the payment to be declined");
            } catch (Payments.Declined e) {
                declined = RocketMqRequestKeys.lastSent().orElseThrow();
                System.out.println("declined: " + e.getMessage() + "  [request key " + declined + "]");
            }

            try (RocketMqAudit audit = RocketMqAudit.builder(broker.nameServerAddress()).service(Payments.class).build()) {
                System.out.println();
                System.out.println(awaitAnswered(audit, paid).describe());
                System.out.println(awaitAnswered(audit, declined).describe());
            }
        }
    }

    private static void auditExisting(String[] args) throws Exception {
        RocketMqAudit.Builder builder = RocketMqAudit.builder(args[0]);
        if (args.length >= 3) {
            builder.service(Class.forName(args[2]));
        }
        try (RocketMqAudit audit = builder.build()) {
            System.out.println(audit.find(args[1]).describe());
        }
    }

    /** The broker indexes a stored message a few milliseconds after storing it: look until the reply shows. */
    private static AuditTrail awaitAnswered(RocketMqAudit audit, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        AuditTrail trail = audit.find(key);
        while (!trail.answered() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            trail = audit.find(key);
        }
        return trail;
    }
}
