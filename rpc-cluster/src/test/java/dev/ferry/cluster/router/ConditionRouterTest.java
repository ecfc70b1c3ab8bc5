package dev.ferry.cluster.router;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.cluster.FakeInvoker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dubbo's condition rule syntax and semantics, and rules replaced at runtime. */
class ConditionRouterTest {

    private final Invoker p153 = new FakeInvoker(new Endpoint("dubbo", "10.20.153.10", 20880, Map.of("region", "hz")));
    private final Invoker p154 = new FakeInvoker(new Endpoint("dubbo", "10.20.153.11", 20881, Map.of("region", "sh")));
    private final Invoker p30 = new FakeInvoker(new Endpoint("dubbo", "10.30.0.1", 20882, Map.of("region", "hz", "weight", "50")));
    private final List<Invoker> all = List.of(p153, p154, p30);

    private static ConditionRouter consumerAt(String host) {
        return new ConditionRouter(host, Map.of("application", "shop"));
    }

    private static Invocation call(String method, Object... args) {
        return FakeInvoker.call(method, CallOptions.DEFAULT, args);
    }

    @Test
    void consumerHostDecidesProviderHost() {
        ConditionRouter inside = consumerAt("10.20.1.5");
        inside.setRule("host = 10.20.* => host = 10.20.153.10");
        assertEquals(List.of(p153), inside.route(all, call("find")));
        ConditionRouter outside = consumerAt("10.99.1.5");
        outside.setRule("host = 10.20.* => host = 10.20.153.10");
        assertSame(all, outside.route(all, call("find")), "the rule does not match this consumer");
    }

    @Test
    void methodsWithWildcardsAndLists() {
        ConditionRouter r = consumerAt("1.1.1.1");
        r.setRule("method = find*,list* => region = hz");
        assertEquals(List.of(p153, p30), r.route(all, call("findUser")));
        assertEquals(List.of(p153, p30), r.route(all, call("listUsers")));
        assertSame(all, r.route(all, call("save")));
    }

    @Test
    void notEqualsAndRangesAndAddresses() {
        ConditionRouter r = consumerAt("1.1.1.1");
        r.setRule("method != save => port = 20880~20881 & region != sh");
        assertEquals(List.of(p153), r.route(all, call("find")));
        r.setRule("=> address = *:20882");
        assertEquals(List.of(p30), r.route(all, call("anything")));
        r.setRule("=> weight = ~60");
        assertEquals(List.of(p30), r.route(all, call("anything")), "instances without the key never match");
        r.setRule("=> port = 20881~");
        assertEquals(List.of(p154, p30), r.route(all, call("anything")));
    }

    @Test
    void argumentsAndAttachments() {
        ConditionRouter r = consumerAt("1.1.1.1");
        r.setRule("arguments[0] = vip* => region = sh");
        assertEquals(List.of(p154), r.route(all, call("get", "vip-7")));
        assertSame(all, r.route(all, call("get", "plain")));
        assertSame(all, r.route(all, call("get")), "a missing argument never matches");
        r.setRule("attachments[lane] = canary => host = 10.30.*");
        Invocation canary = call("get");
        canary.attachments().put("lane", "canary");
        assertEquals(List.of(p30), r.route(all, canary));
        assertSame(all, r.route(all, call("get")));
        r.setRule("arguments[1] = 1~100 => region = sh");
        assertEquals(List.of(p154), r.route(all, call("get", "x", 42)));
        assertSame(all, r.route(all, call("get", "x", 420)));
        assertSame(all, r.route(all, call("get", "x", "not a number")));
    }

    @Test
    void dollarReferencesTheConsumersOwnValue() {
        ConditionRouter r = consumerAt("10.30.0.1");
        r.setRule("=> host = $host");
        assertEquals(List.of(p30), r.route(all, call("get")));
        ConditionRouter shop = new ConditionRouter("9.9.9.9", Map.of("region", "sh"));
        shop.setRule("application = shop* => region = $region");
        assertSame(all, shop.route(all, call("get")), "this consumer has no 'application' value");
        shop.setRule("region = sh => region = $region");
        assertEquals(List.of(p154), shop.route(all, call("get")));
    }

    @Test
    void emptyThenIsABlacklist() {
        ConditionRouter r = consumerAt("10.20.153.99");
        r.setRule("host = 10.20.153.99 =>");
        assertEquals(List.of(), r.route(all, call("get")));
        r.setRule("host = 10.20.153.99 => false");
        assertEquals(List.of(), r.route(all, call("get")));
        r.setRule("host = 10.20.153.98 =>");
        assertSame(all, r.route(all, call("get")));
    }

    @Test
    void forceDecidesWhatAnEmptyMatchMeans() {
        ConditionRouter r = consumerAt("1.1.1.1");
        r.setRule("method = get => region = nowhere");
        assertSame(all, r.route(all, call("get")), "force=false ignores a condition that matches no instance");
        r.setRule("force: true\nconditions:\n  - method = get => region = nowhere");
        assertEquals(List.of(), r.route(all, call("get")));
        r.setRule("enabled: false\nforce: true\nconditions:\n  - method = get => region = nowhere");
        assertSame(all, r.route(all, call("get")));
    }

    @Test
    void yamlRulesScopeToTheirServiceAndApplyConditionsInOrder() {
        ConditionRouter r = consumerAt("1.1.1.1");
        ConditionRule rule = r.setRule("""
                # written by an operator
                scope: service
                key: other.Service
                force: false
                runtime: true
                priority: 1
                conditions:
                  - "=> region = hz"
                """);
        assertEquals("other.Service", rule.key());
        assertSame(all, r.route(all, call("get")), "a rule for another service does not apply");
        r.setRule("""
                key: test.Svc
                conditions:
                  - => region = hz
                  - '=> port = 20880'
                """);
        assertEquals(List.of(p153), r.route(all, call("get")));
        // The rule for every service applies after the service's own.
        r.setRule("=> host = 10.30.*");
        assertEquals(List.of(p153), r.route(all, call("get")),
                "hz then 20880 leave p153; 10.30.* then matches nothing and, not forced, is ignored");
        assertTrue(r.removeRule("test.Svc"));
        assertEquals(List.of(p30), r.route(all, call("get")));
        assertTrue(r.removeRule(""));
        assertSame(all, r.route(all, call("get")));
        assertTrue(!r.removeRule(""));
    }

    @Test
    void aBadRuleIsRefusedWithItsPositionAndThePreviousOneStays() {
        ConditionRouter r = consumerAt("1.1.1.1");
        r.setRule("=> region = hz");
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> r.setRule("method = get => region == hz"));
        assertEquals(1, e.line());
        assertEquals(25, e.column(), e.getMessage());
        assertEquals(List.of(p153, p30), r.route(all, call("get")), "the previous rule is still in force");

        RuleSyntaxException yaml = assertThrows(RuleSyntaxException.class,
                () -> r.setRule("force: true\nconditions:\n  - method = => host = x"));
        assertEquals(3, yaml.line());
        assertTrue(yaml.getMessage().contains("expected a value"), yaml.getMessage());
        assertEquals(14, yaml.column(), yaml.getMessage());
    }

    @Test
    void malformedRulesAreRefusedClearly() {
        ConditionRouter r = consumerAt("1.1.1.1");
        Map<String, String> bad = Map.ofEntries(
                Map.entry("", "empty"),
                Map.entry("   \n  ", "empty"),
                Map.entry("host 10.20.* => host = x", "expected '=' or '!=' after 'host'"),
                Map.entry("= x => host = y", "expected a key"),
                Map.entry("host = => y", "expected a value"),
                Map.entry("host = a => b", "ends early"),
                Map.entry("a = 1 => b = 2 => c = 3", "one '=>'"),
                Map.entry("arguments[x] = 1 =>", "argument index"),
                Map.entry("arguments[0 = 1 =>", "malformed key"),
                Map.entry("attachments[] = 1 =>", "malformed key"),
                Map.entry("port = 1~x => host = y", "malformed range"),
                Map.entry("=> port = ~", "malformed range"),
                Map.entry("=> host = $", "'$' must name"),
                Map.entry("ho$t = a =>", "malformed key"),
                Map.entry("force: maybe\nconditions:\n - => a = b", "true or false"),
                Map.entry("scope: galaxy\nconditions:\n - => a = b", "scope must be"),
                Map.entry("colour: red\nconditions:\n - => a = b", "unknown rule setting"),
                Map.entry("conditions: now\n - => a = b", "following lines"),
                Map.entry("- => a = b\nconditions:", "outside 'conditions:'"),
                Map.entry("conditions:\n - \"=> a = b", "unclosed quote"),
                Map.entry("force: true\nconditions:", "no condition"),
                Map.entry("x".repeat(ConditionRule.MAX_LENGTH + 1), "longer than"));
        bad.forEach((text, expected) -> {
            RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> r.setRule(text), text);
            assertTrue(e.getMessage().contains(expected), text + " -> " + e.getMessage());
        });
        assertThrows(RuleSyntaxException.class, () -> r.setRule(null));
        assertTrue(r.rules().isEmpty(), "nothing was accepted");
    }

    @Test
    void randomGarbageNeverBreaksTheParser() {
        Random random = new Random(2024);
        String alphabet = "ab=!,&~$*[]0123456789 .:-\n\"'#>";
        ConditionRouter r = consumerAt("1.1.1.1");
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                r.setRule(sb.toString());
                // Whatever parsed must also route without failing.
                r.route(all, call("get", "a", 1));
            } catch (RuleSyntaxException expected) {
                // Refused with a position: fine.
            }
        }
    }
}
