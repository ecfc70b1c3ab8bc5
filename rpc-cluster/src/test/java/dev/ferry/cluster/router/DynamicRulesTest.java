package dev.ferry.cluster.router;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.RuleKind;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import dev.ferry.registry.zookeeper.ZookeeperConfigStore;
import dev.ferry.registry.zookeeper.ZookeeperRegistry;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Condition and tag rules written to ZooKeeper reach running consumers' routers. */
class DynamicRulesTest {

    public interface Who {
        String who();
    }

    public static final class Named implements Who {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String who() {
            return name;
        }
    }

    private static final ServiceKey KEY = new ServiceKey(Who.class.getName(), "", "1.0");

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestingServer zookeeper;

    @BeforeEach
    void start() throws Exception {
        zookeeper = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        zookeeper.close();
    }

    private FerryBootstrap bootstrap(ZookeeperRegistry registry, boolean followRules) {
        FerryBootstrap.Builder b = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).build()))
                .registry(registry).unregisterGrace(Duration.ZERO);
        if (followRules) {
            b.dynamicConfiguration(registry.dynamicConfiguration());
        }
        FerryBootstrap f = b.build();
        open.add(f);
        return f;
    }

    private int provider(String name) {
        FerryBootstrap p = bootstrap(ZookeeperRegistry.connect(zookeeper.getConnectString()), false);
        return p.export(ServiceConfig.builder(Who.class, new Named(name)).version("1.0").build()).get(0).endpoint().port();
    }

    private static Set<String> answering(Who who, int calls) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            seen.add(who.who());
        }
        return seen;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void ruleSetReplacedRefusedAndRemovedAtRuntime() throws Exception {
        int portA = provider("a");
        int portB = provider("b");
        ZookeeperRegistry consumerRegistry = ZookeeperRegistry.connect(zookeeper.getConnectString());
        FerryBootstrap consumer = bootstrap(consumerRegistry, true);
        Who who = consumer.refer(ReferenceConfig.builder(Who.class).version("1.0").retries(0).build());
        await("both providers answer", () -> answering(who, 40).equals(Set.of("a", "b")));

        ZookeeperConfigStore ops = new ZookeeperConfigStore(consumerRegistry.connection());
        ops.putRule(KEY, RuleKind.CONDITION, "=> port = " + portA);
        await("the rule keeps only a", () -> answering(who, 20).equals(Set.of("a")));
        assertEquals(Set.of("a"), answering(who, 60));

        ops.putRule(KEY, RuleKind.CONDITION, "=> port = " + portB);
        await("the new rule keeps only b", () -> answering(who, 20).equals(Set.of("b")));

        // A rule that does not parse is refused; the previous one stays in force.
        ops.putRule(KEY, RuleKind.CONDITION, "method = => => port ==");
        Thread.sleep(300);
        assertEquals(Set.of("b"), answering(who, 60));

        ops.removeRule(KEY, RuleKind.CONDITION);
        await("without a rule both answer again", () -> answering(who, 40).equals(Set.of("a", "b")));
    }

    @Test
    void ruleOfAnotherServiceDoesNotApply() throws Exception {
        provider("a");
        provider("b");
        ZookeeperRegistry consumerRegistry = ZookeeperRegistry.connect(zookeeper.getConnectString());
        FerryBootstrap consumer = bootstrap(consumerRegistry, true);
        Who who = consumer.refer(ReferenceConfig.builder(Who.class).version("1.0").retries(0).build());
        new ZookeeperConfigStore(consumerRegistry.connection())
                .putRule(new ServiceKey(Who.class.getName(), "", "2.0"), RuleKind.CONDITION, "=> port = 1");
        Thread.sleep(300);
        await("both providers answer", () -> answering(who, 40).equals(Set.of("a", "b")));
    }

    @Test
    void tagRuleTagsAndUntagsInstancesAtRuntime() throws Exception {
        provider("a");
        int portB = provider("b");
        ZookeeperRegistry consumerRegistry = ZookeeperRegistry.connect(zookeeper.getConnectString());
        FerryBootstrap consumer = bootstrap(consumerRegistry, true);
        Who plain = consumer.refer(ReferenceConfig.builder(Who.class).version("1.0").retries(0).build());
        Who gray = consumer.refer(ReferenceConfig.builder(Who.class).version("1.0").retries(0)
                .option(dev.ferry.api.CallOptions.TAG, "gray").build());
        await("both providers answer", () -> answering(plain, 40).equals(Set.of("a", "b")));
        assertEquals(Set.of("a", "b"), answering(gray, 40), "no instance is gray: gray calls fall back to all");

        ZookeeperConfigStore ops = new ZookeeperConfigStore(consumerRegistry.connection());
        ops.putRule(KEY, RuleKind.TAG, "tags:\n  - name: gray\n    addresses: [\"127.0.0.1:" + portB + "\"]\n");
        await("b turns gray", () -> answering(gray, 20).equals(Set.of("b")));
        assertEquals(Set.of("a"), answering(plain, 60), "untagged calls keep off the gray instance");

        ops.removeRule(KEY, RuleKind.TAG);
        await("without the rule b takes untagged calls again", () -> answering(plain, 40).equals(Set.of("a", "b")));
    }
}
