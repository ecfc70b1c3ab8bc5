package dev.ferry.cluster.router;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.cluster.FakeInvoker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dubbo's static tag semantics, case by case. */
class TagRouterTest {

    private final TagRouter router = new TagRouter();
    private final Invoker plain1 = FakeInvoker.at("plain1");
    private final Invoker plain2 = FakeInvoker.at("plain2");
    private final Invoker gray = FakeInvoker.at("gray", Map.of(Endpoint.TAG, "gray"));
    private final Invoker blue = FakeInvoker.at("blue", Map.of(Endpoint.TAG, "blue"));
    private final List<Invoker> all = List.of(plain1, gray, plain2, blue);

    private static Invocation tagged(String tag) {
        return FakeInvoker.call("m", CallOptions.DEFAULT.with(CallOptions.TAG, tag));
    }

    @Test
    void aTaggedCallReachesOnlyItsTag() {
        assertEquals(List.of(gray), router.route(all, tagged("gray")));
        assertEquals(List.of(blue), router.route(all, tagged("blue")));
    }

    @Test
    void anUntaggedCallReachesOnlyUntaggedInstances() {
        assertEquals(List.of(plain1, plain2), router.route(all, tagged("")));
        assertEquals(List.of(), router.route(List.of(gray, blue), tagged("")), "tagged instances are kept for their traffic");
    }

    @Test
    void anUnknownTagFallsBackToUntaggedUnlessForced() {
        assertEquals(List.of(plain1, plain2), router.route(all, tagged("green")));
        Invocation forced = FakeInvoker.call("m", CallOptions.DEFAULT.with(CallOptions.TAG, "green").with(ClusterOptions.FORCE_TAG, true));
        assertEquals(List.of(), router.route(all, forced));
        Invocation forcedKnown = FakeInvoker.call("m", CallOptions.DEFAULT.with(CallOptions.TAG, "gray").with(ClusterOptions.FORCE_TAG, true));
        assertEquals(List.of(gray), router.route(all, forcedKnown));
    }

    @Test
    void dubboAttachmentsCarryTagAndForce() {
        Invocation call = FakeInvoker.call("m", CallOptions.DEFAULT);
        call.attachments().put(TagRouter.TAG_ATTACHMENT, "gray");
        assertEquals(List.of(gray), router.route(all, call));
        Invocation forced = FakeInvoker.call("m", CallOptions.DEFAULT);
        forced.attachments().put(TagRouter.TAG_ATTACHMENT, "green");
        forced.attachments().put(TagRouter.FORCE_TAG_ATTACHMENT, "true");
        assertEquals(List.of(), router.route(all, forced));
        // The option wins over the attachment.
        Invocation both = tagged("blue");
        both.attachments().put(TagRouter.TAG_ATTACHMENT, "gray");
        assertEquals(List.of(blue), router.route(all, both));
        Invocation junk = FakeInvoker.call("m", CallOptions.DEFAULT);
        junk.attachments().put(TagRouter.FORCE_TAG_ATTACHMENT, "yes please");
        junk.attachments().put(TagRouter.TAG_ATTACHMENT, "green");
        assertEquals(List.of(plain1, plain2), router.route(all, junk), "only 'true' forces");
    }

    @Test
    void instancesRoutedByTheirTransportAreAlwaysKept() {
        Invoker broker = FakeInvoker.at("broker", Map.of(TagRouter.TRANSPORT_ROUTED, "transport"));
        List<Invoker> brokers = List.of(broker);
        assertEquals(brokers, router.route(brokers, tagged("gray")));
        assertEquals(brokers, router.route(brokers, tagged("")));
        Invocation forced = FakeInvoker.call("m", CallOptions.DEFAULT.with(CallOptions.TAG, "gray").with(ClusterOptions.FORCE_TAG, true));
        assertEquals(brokers, router.route(brokers, forced));
    }

    @Test
    void keepsTheSameListWhenNothingIsRemoved() {
        List<Invoker> plain = List.of(plain1, plain2);
        assertSame(plain, router.route(plain, tagged("")));
        assertTrue(router.route(List.of(), tagged("gray")).isEmpty());
    }

    // ---------------------------------------------------------------- dynamic rules

    @Test
    void aRuleTagsInstancesByAddressOverTheirOwnTags() {
        router.setServiceRule(FakeInvoker.KEY, """
                tags:
                  - name: gray
                    addresses: [plain1:20880]
                  - name: green
                    addresses:
                      - gray:20880
                """);
        assertEquals(List.of(plain1), router.route(all, tagged("gray")), "the rule's tag wins over the registered one");
        assertEquals(List.of(gray), router.route(all, tagged("green")));
        assertEquals(List.of(plain2), router.route(all, tagged("")), "untagged calls keep off every tagged instance");
        assertEquals(List.of(blue), router.route(all, tagged("blue")), "instances the rule does not list keep their tag");
    }

    @Test
    void aForcingRuleLeavesNothingForATagWithoutInstances() {
        router.setServiceRule(FakeInvoker.KEY, "force: true\ntags:\n  - name: gray\n    addresses: [plain1:20880]\n");
        assertEquals(List.of(), router.route(all, tagged("red")));
        router.setServiceRule(FakeInvoker.KEY, "force: false\ntags:\n  - name: gray\n    addresses: [plain1:20880]\n");
        assertEquals(List.of(plain2), router.route(all, tagged("red")), "falls back to untagged instances");
    }

    @Test
    void aDisabledOrRemovedRuleLeavesTheRegisteredTags() {
        String rule = "tags:\n  - name: gray\n    addresses: [plain1:20880]\n";
        router.setServiceRule(FakeInvoker.KEY, "enabled: false\n" + rule);
        assertEquals(List.of(gray), router.route(all, tagged("gray")));
        router.setServiceRule(FakeInvoker.KEY, rule);
        assertEquals(List.of(plain1), router.route(all, tagged("gray")));
        router.setServiceRule(FakeInvoker.KEY, "");
        assertEquals(List.of(gray), router.route(all, tagged("gray")));
        assertTrue(router.rules().isEmpty());
    }

    @Test
    void aRuleOfAnotherServiceDoesNotApply() {
        router.setServiceRule(new dev.ferry.api.ServiceKey("other.Svc", "", ""),
                "tags:\n  - name: gray\n    addresses: [plain1:20880]\n");
        assertEquals(List.of(gray), router.route(all, tagged("gray")));
    }

    @Test
    void aRuleThatDoesNotParseIsRefusedAndThePreviousOneStays() {
        router.setServiceRule(FakeInvoker.KEY, "tags:\n  - name: gray\n    addresses: [plain1:20880]\n");
        RuleSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(RuleSyntaxException.class,
                () -> router.setServiceRule(FakeInvoker.KEY, "tags:\n  - name: gray\n    addresses: [plain1]\n"));
        assertEquals(3, e.line());
        assertEquals(List.of(plain1), router.route(all, tagged("gray")));
    }
}
