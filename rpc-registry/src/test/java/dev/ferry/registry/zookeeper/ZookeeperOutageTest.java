package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ZooKeeper going away, whole or in part: calls go on with the providers consumers know. */
class ZookeeperOutageTest {

    private static Set<String> answering(Echo echo, int calls) {
        Set<String> who = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            who.add(echo.who());
        }
        return who;
    }

    @Test
    void whileZookeeperIsDownConsumersKeepCallingAndSaySoOnce() throws Exception {
        try (TestingServer zk = new TestingServer(true)) {
            ZookeeperRegistryConfig config = ZkTestSupport.isolated(zk.getConnectString());
            // One node both serving and calling: one connection, so one warning expected.
            ZookeeperRegistry registry = ZookeeperRegistry.connect(config);
            try (FerryBootstrap node = Nodes.bootstrap(registry, Duration.ZERO)) {
                node.export(ServiceConfig.builder(Echo.class, new EchoImpl("a")).version(Nodes.VERSION).build());
                Echo echo = node.refer(Nodes.reference());
                assertEquals("a", echo.who());

                try (LogCapture log = new LogCapture()) {
                    zk.stop();
                    Await.until("the client notices", () -> !registry.connection().isConnected());
                    int calls = 0;
                    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < end) {
                        assertEquals("a:" + calls, echo.echo(String.valueOf(calls)));
                        calls++;
                    }
                    assertEquals(1, log.count("lost ZooKeeper"), log.text());

                    // A service described while ZooKeeper is down is published once it is back.
                    registry.publish(ServiceConfig.builder(Echo.class, new EchoImpl("later")).version("9.9").build());

                    zk.restart();
                    Await.until("reconnected", () -> registry.connection().isConnected());
                    Await.until("reconnection logged", () -> log.count("is reachable again") == 1);
                    assertEquals(1, log.count("lost ZooKeeper"), "still one warning after " + calls + " calls");
                    System.out.printf("%d calls answered while ZooKeeper was down%n", calls);
                    ZookeeperServiceCatalog catalog = new ZookeeperServiceCatalog(registry.connection());
                    ServiceKey later = new ServiceKey(Echo.class.getName(), "", "9.9");
                    Await.until("metadata written after the outage", () -> catalog.list().stream()
                            .anyMatch(l -> l.service().equals(later) && l.metadata().isPresent()));
                }

                // The registry follows changes again.
                try (Nodes.Provider b = Nodes.provider(config, "b", Duration.ZERO)) {
                    Await.until("a provider started after the outage is called", () -> answering(echo, 20).contains("b"));
                }
            }
        }
    }

    @Test
    void anEntryWithdrawnWhileZookeeperIsDownLeavesWhenItIsBack() throws Exception {
        ServiceKey key = new ServiceKey(Echo.class.getName(), "", Nodes.VERSION);
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        Endpoint b = new Endpoint("dubbo", "10.0.0.2", 20880);
        try (TestingServer zk = new TestingServer(true)) {
            ZookeeperRegistryConfig config = ZkTestSupport.isolated(zk.getConnectString());
            try (ZookeeperRegistry provider = ZookeeperRegistry.connect(config);
                 ZookeeperRegistry consumer = ZookeeperRegistry.connect(config)) {
                provider.register(key, a);
                provider.register(key, b);
                ZkTestSupport.Recorder seen = new ZkTestSupport.Recorder();
                consumer.subscribe(key, seen);
                assertEquals(Set.of(a, b), seen.lastAsSet());

                zk.stop();
                Await.until("the provider notices", () -> !provider.connection().isConnected());
                provider.unregister(key, a); // does not wait for the ensemble
                assertEquals(Set.of(a, b), seen.lastAsSet(), "the consumer keeps what it knew meanwhile");

                zk.restart();
                Await.equal("the withdrawn entry is gone once ZooKeeper is back", Set.of(b), seen::lastAsSet);
            }
        }
    }

    @Test
    void losingOneEnsembleMemberChangesNothingForProvidersOrConsumers() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            ZookeeperRegistryConfig config = ZkTestSupport.isolated(cluster.getConnectString());
            ZookeeperRegistry consumerRegistry = ZookeeperRegistry.connect(config);
            try (Nodes.Provider a = Nodes.provider(config, "a", Duration.ZERO);
                 FerryBootstrap consumer = Nodes.bootstrap(consumerRegistry, Duration.ZERO)) {
                Echo echo = consumer.refer(Nodes.reference());
                assertEquals(Set.of("a"), answering(echo, 10));

                ZooKeeper client = consumerRegistry.connection().client().getZookeeperClient().getZooKeeper();
                InstanceSpec member = cluster.findConnectionInstance(client);
                cluster.killServer(member);
                assertEquals(Set.of("a"), answering(echo, 200), "calls go on while the client moves to another member");
                Await.until("the consumer is connected to a remaining member",
                        () -> consumerRegistry.connection().isConnected());

                try (Nodes.Provider b = Nodes.provider(config, "b", Duration.ZERO)) {
                    Await.until("a provider registered after the loss is found", () -> answering(echo, 20).contains("b"));
                    Await.until("the first provider's entry survived", () -> answering(echo, 40).equals(Set.of("a", "b")));
                }
            }
        }
    }
}
