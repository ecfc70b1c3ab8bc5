package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.registry.config.InstanceOverride;
import dev.ferry.registry.metadata.MethodDescriptor;
import dev.ferry.registry.metadata.ServiceMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ferry providers and consumers finding each other through ZooKeeper, end to end. */
class ZookeeperDiscoveryTest extends ZookeeperServerTest {

    private static final ServiceKey KEY = new ServiceKey(Echo.class.getName(), "", Nodes.VERSION);

    private Nodes.Provider provider(String name) {
        Nodes.Provider p = Nodes.provider(config, name, Duration.ZERO);
        closeAfter(p);
        return p;
    }

    private Set<String> answering(Echo echo, int calls) {
        Set<String> who = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            who.add(echo.who());
        }
        return who;
    }

    @Test
    void callsFollowProvidersAsTheyComeGoAndChangeWeight() {
        Nodes.Provider a = provider("a");
        Endpoint b = provider("b").endpoint();
        ZookeeperRegistry consumerRegistry = ZookeeperRegistry.connect(config);
        FerryBootstrap consumer = Nodes.bootstrap(consumerRegistry, Duration.ZERO);
        closeAfter(consumer);
        Echo echo = consumer.refer(Nodes.reference());

        assertEquals(Set.of("a", "b"), answering(echo, 60), "both providers take calls");

        a.close();
        Await.until("calls stop reaching a", () -> answering(echo, 20).equals(Set.of("b")));
        assertEquals(Set.of("b"), answering(echo, 40));

        provider("c");
        Await.until("calls reach the new provider c", () -> answering(echo, 20).contains("c"));

        // An operator sets b's weight to 0: consumers stop choosing it while c is there.
        ZookeeperConfigStore ops = new ZookeeperConfigStore(consumerRegistry.connection());
        ops.putOverride(KEY, b.address(), InstanceOverride.weight(0));
        Await.until("weight 0 takes b out of the choice", () -> answering(echo, 20).equals(Set.of("c")));
        assertEquals(Set.of("c"), answering(echo, 60));
        ops.removeOverride(KEY, b.address());
        Await.until("b chosen again", () -> answering(echo, 20).contains("b"));

        // Disabled: gone from the list altogether.
        ops.putOverride(KEY, b.address(), InstanceOverride.disable());
        Await.until("disabled b gets no calls", () -> answering(echo, 20).equals(Set.of("c")));
        assertEquals(Set.of("c"), answering(echo, 60));
    }

    @Test
    void exportedServicesPublishTheirMetadataAndTheCatalogListsThem() throws Exception {
        FerryBootstrap p = provider("a").bootstrap();
        p.export(ServiceConfig.builder(Echo.class, new EchoImpl("grouped")).group("blue").version("2.0").weight(50).build());
        try (ZookeeperConnection zk = ZookeeperConnection.open(config)) {
            List<ServiceListing> services = new ZookeeperServiceCatalog(zk).list();
            assertEquals(List.of(KEY, new ServiceKey(Echo.class.getName(), "blue", "2.0")),
                    services.stream().map(ServiceListing::service).toList());

            ServiceListing echo = services.get(0);
            assertEquals(1, echo.providers().size());
            assertEquals("dubbo", echo.providers().get(0).protocol());
            ServiceMetadata md = echo.metadata().orElseThrow();
            assertEquals(List.of("echo", "split", "who"), md.methodNames());
            assertTrue(md.methods().contains(new MethodDescriptor("split",
                    List.of("java.lang.String", "java.util.Map<java.lang.String, java.lang.Integer>"),
                    "java.util.concurrent.CompletableFuture<java.util.List<java.lang.String>>")), md.methods().toString());
            assertEquals("50", services.get(1).providers().get(0).parameter("weight", ""));

            // The provider entry names the methods and the serialization, for Dubbo consumers and tools.
            String providers = zk.paths().providersPath(Echo.class.getName());
            List<String> entries = zk.client().getChildren().forPath(providers);
            ProviderUrl url = entries.stream().map(ProviderUrl::parse).filter(u -> u.service().equals(KEY)).findFirst().orElseThrow();
            assertEquals(List.of("echo", "split", "who"), url.methods());
            assertEquals(List.of("hessian2"), url.serializations());
            assertEquals("ferry", url.application());

            // Rubbish next to the entries does not stop the listing.
            zk.client().create().creatingParentsIfNeeded().forPath(providers + "/rubbish");
            zk.client().create().creatingParentsIfNeeded().forPath(zk.paths().metadataPath(
                    new ServiceKey("x.Broken", "", "")), "not metadata".getBytes(StandardCharsets.UTF_8));
            zk.client().create().creatingParentsIfNeeded().forPath(zk.paths().metadataPath(
                    new ServiceKey("x.Liar", "", "")), ServiceMetadata.of(KEY, Echo.class).encode());
            zk.client().create().creatingParentsIfNeeded().forPath(config.registryRoot() + "/config/dubbo");
            assertEquals(services, new ZookeeperServiceCatalog(zk).list());
        }
    }

    @Test
    void aConsumerKeepsItsViewWhenAnEntryIsGarbage() throws Exception {
        provider("a");
        try (ZookeeperConnection zk = ZookeeperConnection.open(config)) {
            String providers = zk.paths().providersPath(Echo.class.getName());
            zk.client().create().forPath(providers + "/dubbo%3A%2F%2F%5Bnot-closed%3A1%2F", new byte[]{1, 2, 3});
            zk.client().create().forPath(providers + "/"
                    + new ProviderUrl(KEY, new Endpoint("dubbo", "127.0.0.1", 1), "", List.of(), List.of(), 1).toNodeName(),
                    "garbage data".getBytes(StandardCharsets.UTF_8));
        }
        FerryBootstrap consumer = Nodes.bootstrap(ZookeeperRegistry.connect(config), Duration.ZERO);
        closeAfter(consumer);
        Echo echo = consumer.refer(ReferenceConfig.builder(Echo.class).version(Nodes.VERSION)
                .retries(2).timeout(Duration.ofSeconds(5)).build());
        // The dead entry at port 1 is a valid address nobody serves: failover steps over it.
        for (int i = 0; i < 30; i++) {
            assertEquals("a:" + i, echo.echo(String.valueOf(i)));
        }
    }
}
