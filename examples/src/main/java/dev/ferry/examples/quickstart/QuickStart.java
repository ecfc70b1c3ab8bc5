package dev.ferry.examples.quickstart;

import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import dev.ferry.registry.StaticRegistry;

import java.lang.management.ManagementFactory;

/**
 * Starts a RocketMQ NameServer and broker in this JVM, exports {@link GreeterImpl} over
 * RocketMQ and the Dubbo protocol, injects {@link GreeterClient}'s references, calls each
 * transport once and exits. Nothing outside this process is needed.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        try (EmbeddedRocketMq broker = EmbeddedRocketMq.builder().build().start();
             FerryBootstrap ferry = FerryBootstrap.builder()
                     .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress())))
                     .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).build()))
                     .registry(StaticRegistry.create())
                     .build()) {
            long brokerUp = System.currentTimeMillis();
            ferry.export(new GreeterImpl());
            GreeterClient client = ferry.inject(new GreeterClient());

            String mqReply = client.overRocketMq.hello("RocketMQ");
            long firstMqReply = System.currentTimeMillis();
            System.out.println("[rocketmq] " + mqReply);
            System.out.println("[dubbo]    " + client.overDubbo.hello("Dubbo"));
            System.out.println("[dubbo]    " + client.overDubbo.helloAsync("async Dubbo").join());
            System.out.printf("time from JVM start to first RocketMQ reply: %d ms (broker ready after %d ms)%n",
                    firstMqReply - jvmStart, brokerUp - jvmStart);
        }
        // RocketMQ's client leaves non-daemon threads behind after shutdown: exit explicitly.
        System.exit(0);
    }
}
