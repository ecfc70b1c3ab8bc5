package dev.ferry.cluster.router;

import dev.ferry.api.Endpoint;
import dev.ferry.api.RpcContext;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.Router;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.DubboProviders;
import dev.ferry.cluster.Inventory;
import dev.ferry.cluster.InventoryProvider.Mode;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tag, condition and script routing, and the no-provider diagnostic, on real Dubbo-protocol providers. */
class RoutingDubboTest {

    private static DubboProviders providers;
    private final List<FerryBootstrap> consumers = new ArrayList<>();
    private ExtensionRegistry extensions;

    @BeforeAll
    static void start() {
        providers = new DubboProviders();
        providers.start("plain1", Mode.OK);
        providers.start("plain2", Mode.OK);
        providers.start("gray", Mode.OK, Map.of(Endpoint.TAG, "gray"));
    }

    @AfterAll
    static void stop() {
        providers.close();
    }

    @AfterEach
    void closeConsumers() {
        consumers.forEach(FerryBootstrap::close);
        RpcContext.clearAttachments();
    }

    private Inventory ref(Consumer<ReferenceConfig.Builder<Inventory>> more) {
        // Routers with rules are per registry: each test has its own.
        extensions = new ExtensionRegistry(getClass().getClassLoader());
        FerryBootstrap ferry = FerryBootstrap.builder().extensions(extensions)
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build()))
                .build();
        consumers.add(ferry);
        ReferenceConfig.Builder<Inventory> b = ReferenceConfig.builder(Inventory.class)
                .urls(providers.urls("plain1", "plain2", "gray")).timeout(Duration.ofSeconds(2)).loadBalance("roundrobin");
        more.accept(b);
        return ferry.refer(b.build());
    }

    private static Map<String, Integer> answers(Inventory inv, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.merge(inv.whoami(), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void tagsRouteAndFallBackAsInDubbo() {
        assertEquals(Map.of("plain1", 3, "plain2", 3), answers(ref(x -> { }), 6), "untagged calls never reach a tagged instance");
        assertEquals(Map.of("gray", 4), answers(ref(x -> x.tag("gray")), 4));
        assertEquals(Map.of("plain1", 2, "plain2", 2), answers(ref(x -> x.tag("blue")), 4), "an unknown tag falls back");
        Inventory forced = ref(x -> x.tag("blue").option(ClusterOptions.FORCE_TAG, true));
        RpcException e = assertThrows(RpcException.class, forced::whoami);
        assertEquals(Code.SERVICE_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("the directory knows 3 instance(s), 3 available"), e.getMessage());
        assertTrue(e.getMessage().contains("tag kept 0 of 3"), e.getMessage());
        assertTrue(e.getMessage().contains("router 'tag' removed the rest"), e.getMessage());
        assertTrue(e.getMessage().contains(Inventory.class.getName() + "#whoami"), e.getMessage());
    }

    @Test
    void aTagSetThroughRpcContextRoutesTheNextCall() {
        Inventory inv = ref(x -> { });
        RpcContext.putAttachment(TagRouter.TAG_ATTACHMENT, "gray");
        assertEquals("gray", inv.whoami());
        assertTrue(inv.whoami().startsWith("plain"), "the attachment was used by one call");
    }

    @Test
    void conditionRulesChangeAtRuntime() {
        Inventory inv = ref(x -> { });
        ConditionRouter condition = (ConditionRouter) extensions.get(Router.class, "condition");
        int plain2Port = providers.url("plain2").port();
        condition.setRule("method = whoami => port = " + plain2Port);
        assertEquals(Map.of("plain2", 4), answers(inv, 4));
        assertEquals(java.util.Set.of("plain1:k", "plain2:k"), java.util.Set.of(inv.work("k"), inv.work("k")),
                "other methods are not routed");
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> condition.setRule("method = whoami => port =="));
        assertTrue(e.column() > 0);
        assertEquals(Map.of("plain2", 2), answers(inv, 2), "the previous rule stays");
        condition.setRule("method = whoami =>");
        RpcException blocked = assertThrows(RpcException.class, inv::whoami);
        assertTrue(blocked.getMessage().contains("tag kept 2 of 3, condition kept 0 of 2; router 'condition' removed the rest"),
                blocked.getMessage());
        condition.removeRule("");
        assertEquals(Map.of("plain1", 1, "plain2", 1), answers(inv, 2));
    }

    @Test
    void scriptRulesRouteRealCalls() {
        Inventory inv = ref(x -> { });
        ScriptRouter script = (ScriptRouter) extensions.get(Router.class, "script");
        int plain1Port = providers.url("plain1").port();
        script.setRule("var kept = []; for (var i = 0; i < invokers.size(); i++) {"
                + " if (invokers.get(i).endpoint().port() == " + plain1Port + ") kept.push(invokers.get(i)); } kept;");
        assertEquals(Map.of("plain1", 3), answers(inv, 3));
    }
}
