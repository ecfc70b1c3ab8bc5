package dev.ferry.registry.zookeeper;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.DynamicConfiguration;
import dev.ferry.api.spi.RuleKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Router rules written by an operator reach running consumers. */
class DynamicConfigurationTest extends ZookeeperServerTest {

    private static final ServiceKey KEY = new ServiceKey("a.b.Echo", "", "1.0");
    private static final String TAG_RULE = """
            force: false
            tags:
              - name: gray
                addresses: ["10.0.0.7:20880"]
            """;
    private static final String CONDITION_RULE = "method = find => host != 10.0.0.7";

    private ZookeeperRegistry registry;
    private ZookeeperConfigStore ops;

    @BeforeEach
    void connect() {
        ZookeeperRegistryConfig config = ZkTestSupport.isolated(server.getConnectString());
        registry = ZookeeperRegistry.connect(config);
        closeAfter(registry);
        ZookeeperConnection operator = ZookeeperConnection.open(config);
        closeAfter(operator);
        ops = new ZookeeperConfigStore(operator);
    }

    private static List<String> snapshot(List<String> l) {
        return List.copyOf(l);
    }

    @Test
    void aWatchSeesTheRuleAtOnceAndEveryChangeOnce() {
        ops.putRule(KEY, RuleKind.TAG, TAG_RULE);
        List<String> seen = new CopyOnWriteArrayList<>();
        registry.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, seen::add);
        assertEquals(List.of(TAG_RULE), seen, "the current rule is delivered before watchRule returns");

        ops.putRule(KEY, RuleKind.TAG, TAG_RULE); // same text: no call
        ops.putRule(KEY, RuleKind.TAG, "force: true\n");
        Await.equal("changed rule", List.of(TAG_RULE, "force: true\n"), () -> snapshot(seen));
        ops.removeRule(KEY, RuleKind.TAG);
        Await.equal("removed rule reads as empty", List.of(TAG_RULE, "force: true\n", ""), () -> snapshot(seen));
        ops.removeRule(KEY, RuleKind.TAG); // absent: nothing happens
        assertEquals(Optional.empty(), ops.rule(KEY, RuleKind.TAG));
    }

    @Test
    void kindsAndServicesAreWatchedSeparately() {
        List<String> tag = new CopyOnWriteArrayList<>();
        List<String> condition = new CopyOnWriteArrayList<>();
        List<String> otherVersion = new CopyOnWriteArrayList<>();
        DynamicConfiguration config = registry.dynamicConfiguration();
        config.watchRule(KEY, RuleKind.TAG, tag::add);
        config.watchRule(KEY, RuleKind.CONDITION, condition::add);
        config.watchRule(new ServiceKey(KEY.interfaceName(), "", "2.0"), RuleKind.CONDITION, otherVersion::add);

        ops.putRule(KEY, RuleKind.CONDITION, CONDITION_RULE);
        Await.equal("condition rule", List.of("", CONDITION_RULE), () -> snapshot(condition));
        ops.putRule(KEY, RuleKind.TAG, TAG_RULE);
        Await.equal("tag rule", List.of("", TAG_RULE), () -> snapshot(tag));
        assertEquals(List.of("", CONDITION_RULE), condition);
        assertEquals(List.of(""), otherVersion, "another version's watch hears nothing");
        assertEquals(Optional.of(CONDITION_RULE), ops.rule(KEY, RuleKind.CONDITION));
    }

    @Test
    void aClosedWatchHearsNothingMore() {
        List<String> closed = new CopyOnWriteArrayList<>();
        List<String> open = new CopyOnWriteArrayList<>();
        DynamicConfiguration.Watch w = registry.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, closed::add);
        registry.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, open::add);
        w.close();
        w.close();
        ops.putRule(KEY, RuleKind.TAG, TAG_RULE);
        Await.equal("the open watch hears", List.of("", TAG_RULE), () -> snapshot(open));
        assertEquals(List.of(""), closed);
    }

    @Test
    void aCallbackThatThrowsKeepsItsWatch() {
        List<String> seen = new CopyOnWriteArrayList<>();
        registry.dynamicConfiguration().watchRule(KEY, RuleKind.CONDITION, rule -> {
            seen.add(rule);
            throw new IllegalArgumentException("router refused the rule");
        });
        ops.putRule(KEY, RuleKind.CONDITION, "garbage =>=> rule");
        ops.putRule(KEY, RuleKind.CONDITION, CONDITION_RULE);
        Await.until("the later rule still arrives", () -> !seen.isEmpty() && seen.get(seen.size() - 1).equals(CONDITION_RULE));
    }

    @Test
    void ruleTextIsPassedOnAsIsEvenWhenItIsNotText() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        registry.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, seen::add);
        // Written around the store: binary rubbish reaches the router, which refuses it; the watch is unharmed.
        registry.connection().client().create().creatingParentsIfNeeded()
                .forPath(registry.connection().paths().rulePath(KEY, RuleKind.TAG), new byte[]{(byte) 0xff, 0, (byte) 0xfe});
        Await.until("binary rule delivered", () -> seen.size() == 2);
        assertEquals(new String(new byte[]{(byte) 0xff, 0, (byte) 0xfe}, StandardCharsets.UTF_8), seen.get(1));
        ops.putRule(KEY, RuleKind.TAG, "ünïcödé: ✓");
        Await.equal("unicode rule", "ünïcödé: ✓", () -> seen.get(seen.size() - 1));
    }

    @Test
    void oversizedRulesAreRefusedByTheStore() {
        String big = "x".repeat(ZookeeperConfigStore.MAX_RULE_BYTES + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.putRule(KEY, RuleKind.TAG, big));
        assertTrue(e.getMessage().contains("longer"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ops.putRule(KEY, RuleKind.TAG, null));
        assertThrows(NullPointerException.class, () -> registry.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, null));
    }
}
