package dev.ferry.cluster.rocketmq;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Filter;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.Inventory;
import dev.ferry.cluster.InventoryProvider;
import dev.ferry.cluster.router.TagRouter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing and balancing over the RocketMQ transport, on a NameServer and broker in this JVM.
 * Each invoker here is one way of reaching the service's topic (an endpoint with its own
 * parameters); which provider instance then takes the message is the broker's choice.
 */
class RocketMqClusterTest {

    private static EmbeddedRocketMq broker;
    private static FerryBootstrap provider;
    private static Endpoint topic;

    @BeforeAll
    static void start() {
        broker = EmbeddedRocketMq.builder().build().start();
        RocketMqProtocol rocketmq = new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress()));
        provider = FerryBootstrap.builder().protocol(rocketmq).build();
        provider.export(ServiceConfig.builder(Inventory.class, new InventoryProvider("mq", InventoryProvider.Mode.OK, new CountDownLatch(0)))
                .protocol("rocketmq").build());
        // The transport's own endpoints leave tags to the broker (tag.routing=transport); without
        // that mark the consumer's tag router decides, which is what these tests look at.
        Endpoint routed = rocketmq.endpoints(ServiceKey.of(Inventory.class)).get(0);
        java.util.Map<String, String> params = new java.util.TreeMap<>(routed.parameters());
        params.remove(TagRouter.TRANSPORT_ROUTED);
        topic = new Endpoint(routed.protocol(), routed.host(), routed.port(), params);
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A consumer whose calls record the endpoint of the invoker the cluster chose. */
    private static Inventory consumer(List<Endpoint> urls, List<Endpoint> chosen, Consumer<ReferenceConfig.Builder<Inventory>> more,
                                      List<FerryBootstrap> open) {
        ExtensionRegistry ext = new ExtensionRegistry(RocketMqClusterTest.class.getClassLoader());
        ext.register(Filter.class, "record-endpoint", new Filter() {
            @Override
            public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
                chosen.add(next.endpoint());
                return next.invoke(invocation);
            }
        });
        FerryBootstrap ferry = FerryBootstrap.builder().extensions(ext)
                .protocol(new RocketMqProtocol(RocketMqProtocolConfig.of(broker.nameServerAddress()))).build();
        open.add(ferry);
        ReferenceConfig.Builder<Inventory> b = ReferenceConfig.builder(Inventory.class).protocol("rocketmq")
                .filters(List.of("record-endpoint")).timeout(Duration.ofSeconds(10));
        b.urls(String.join(",", urls.stream().map(Endpoint::toString).toList()));
        more.accept(b);
        return ferry.refer(b.build());
    }

    @Test
    void aTaggedCallTakesTheTaggedRouteAndAForcedUnknownTagFails() {
        List<FerryBootstrap> open = new CopyOnWriteArrayList<>();
        try {
            Endpoint gray = topic.withParameter(Endpoint.TAG, "gray");
            List<Endpoint> chosen = new CopyOnWriteArrayList<>();
            Inventory tagged = consumer(List.of(topic, gray), chosen, x -> x.tag("gray"), open);
            for (int i = 0; i < 3; i++) {
                assertEquals("mq:" + i, tagged.work(String.valueOf(i)));
            }
            assertEquals(List.of(gray, gray, gray), chosen);

            chosen.clear();
            Inventory untagged = consumer(List.of(topic, gray), chosen, x -> { }, open);
            assertEquals("mq", untagged.whoami());
            assertEquals(List.of(topic), chosen);

            Inventory forced = consumer(List.of(topic, gray), chosen, x -> x.tag("blue").option(ClusterOptions.FORCE_TAG, true), open);
            RpcException e = assertThrows(RpcException.class, forced::whoami);
            assertEquals(Code.SERVICE_NOT_FOUND, e.code());
            assertTrue(e.getMessage().contains("router 'tag' removed the rest"), e.getMessage());

            // A route that leaves tags to the broker is always kept, even for a forced tag.
            Endpoint brokerRouted = topic.withParameter(TagRouter.TRANSPORT_ROUTED, "transport");
            chosen.clear();
            Inventory viaBroker = consumer(List.of(brokerRouted), chosen, x -> x.tag("blue").option(ClusterOptions.FORCE_TAG, true), open);
            assertEquals("mq", viaBroker.whoami());
            assertEquals(List.of(brokerRouted), chosen);
        } finally {
            open.forEach(FerryBootstrap::close);
        }
    }

    @Test
    void callsAreBalancedOverRoutesByWeight() {
        List<FerryBootstrap> open = new CopyOnWriteArrayList<>();
        try {
            Endpoint heavy = topic.withParameter(Endpoint.WEIGHT, "300").withParameter("lane", "a");
            Endpoint light = topic.withParameter(Endpoint.WEIGHT, "100").withParameter("lane", "b");
            List<Endpoint> chosen = new CopyOnWriteArrayList<>();
            Inventory inv = consumer(List.of(heavy, light), chosen, x -> x.loadBalance("roundrobin"), open);
            for (int i = 0; i < 8; i++) {
                assertEquals(1, inv.count());
            }
            Map<String, Integer> lanes = new HashMap<>();
            chosen.forEach(e -> lanes.merge(e.parameter("lane", "?"), 1, Integer::sum));
            assertEquals(Map.of("a", 6, "b", 2), lanes, "smooth round robin: exactly 3:1");

            chosen.clear();
            Inventory leastActive = consumer(List.of(heavy, light), chosen, x -> x.loadBalance("leastactive"), open);
            for (int i = 0; i < 4; i++) {
                assertEquals("mq", leastActive.whoami());
            }
            assertEquals(4, chosen.size());
        } finally {
            open.forEach(FerryBootstrap::close);
        }
    }
}
