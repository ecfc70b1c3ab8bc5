package dev.ferry.examples.quickstart;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Registry;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import dev.ferry.registry.StaticRegistry;
import dev.ferry.registry.zookeeper.ZookeeperRegistry;
import dev.ferry.registry.zookeeper.ZookeeperRegistryConfig;
import org.apache.curator.test.TestingServer;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Starts a RocketMQ NameServer and broker in this JVM, exports {@link GreeterImpl} over
 * RocketMQ and the Dubbo protocol, injects {@link GreeterClient}'s references, calls each
 * transport once and exits. Nothing outside this process is needed.
 *
 * <p>Providers are found through a registry chosen by {@code -Dferry.registry} (or the
 * environment variable {@code FERRY_REGISTRY}):
 * <ul>
 *   <li>{@code static} (default): addresses held in this process ({@link StaticRegistry});</li>
 *   <li>{@code zookeeper}: a ZooKeeper registry — an embedded ZooKeeper server, or the ensemble
 *       named by {@code -Dferry.zookeeper=host:port} ({@code FERRY_ZOOKEEPER}).</li>
 * </ul>
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String registryKind = setting("ferry.registry", "FERRY_REGISTRY", "static");
        if (!registryKind.equals("static") && !registryKind.equals("zookeeper")) {
            System.err.println("unknown registry '" + registryKind + "': use -Dferry.registry=static or -Dferry.registry=zookeeper");
            System.exit(2);
        }
        String zookeeper = setting("ferry.zookeeper", "FERRY_ZOOKEEPER", "");
        boolean embeddedZookeeper = registryKind.equals("zookeeper") && zookeeper.isEmpty();
        if (embeddedZookeeper && System.getProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper") == null) {
            // The embedded server's start-up notes are not the quick start's business.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        }
        try (TestingServer zkServer = embeddedZookeeper ? new TestingServer(true) : null;
             EmbeddedRocketMq broker = EmbeddedRocketMq.builder().build().start()) {
            Registry registry = registry(registryKind, zkServer != null ? zkServer.getConnectString() : zookeeper);
            try (FerryBootstrap ferry = FerryBootstrap.builder()
                    .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress())))
                    .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).build()))
                    .registry(registry)
                    // Every consumer of these services lives in this process: nobody to wait for.
                    .unregisterGrace(Duration.ZERO)
                    .build()) {
                long brokerUp = System.currentTimeMillis();
                ferry.export(new GreeterImpl());
                GreeterClient client = ferry.inject(new GreeterClient());

                String mqReply = client.overRocketMq.hello("RocketMQ");
                long firstMqReply = System.currentTimeMillis();
                System.out.println("[rocketmq] " + mqReply);
                System.out.println("[dubbo]    " + client.overDubbo.hello("Dubbo"));
                System.out.println("[dubbo]    " + client.overDubbo.helloAsync("async Dubbo").join());
                if (registry instanceof ZookeeperRegistry zk) {
                    System.out.println("[registry] ZooKeeper " + (embeddedZookeeper ? "(embedded) " : "")
                            + zk.connection().config().connectString() + " lists " + ServiceKey.of(Greeter.class).interfaceName()
                            + " at " + providers(zk));
                }
                System.out.printf("time from JVM start to first RocketMQ reply: %d ms (broker ready after %d ms)%n",
                        firstMqReply - jvmStart, brokerUp - jvmStart);
            }
        }
        // RocketMQ's client leaves non-daemon threads behind after shutdown: exit explicitly.
        System.exit(0);
    }

    private static Registry registry(String kind, String zookeeper) {
        if (kind.equals("zookeeper")) {
            return ZookeeperRegistry.connect(ZookeeperRegistryConfig.builder(zookeeper).application("quickstart").build());
        }
        return StaticRegistry.create();
    }

    /** The providers the registry lists for the quick start's service. */
    private static String providers(ZookeeperRegistry zk) {
        StringBuilder sb = new StringBuilder();
        Registry.Listener print = endpoints -> endpoints.forEach(ep ->
                sb.append(sb.length() == 0 ? "" : ", ").append(ep.protocol()).append("://").append(ep.address()));
        zk.subscribe(ServiceKey.of(Greeter.class), print); // tells the current list at once
        zk.unsubscribe(ServiceKey.of(Greeter.class), print);
        return sb.toString();
    }

    private static String setting(String property, String environment, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(environment);
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
