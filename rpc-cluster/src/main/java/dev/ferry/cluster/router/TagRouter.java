package dev.ferry.cluster.router;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.RuleKind;
import dev.ferry.api.spi.RuleRouter;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.ClusterOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dubbo's tag routing (gray release). An instance's tag is the one a {@link TagRule} for the
 * service gives its address, else its {@link Endpoint#TAG} parameter; a tag the rule lists
 * addresses for is exactly the instances at those addresses. A call's tag is
 * {@link CallOptions#TAG}, or else the attachment {@code dubbo.tag} (so a tag set through
 * {@code RpcContext} or sent by a Dubbo consumer works too). Rules come from dynamic
 * configuration ({@link #setServiceRule}), so instances are tagged and untagged at runtime.
 * <ul>
 *   <li>A tagged call goes to the instances with its tag. When there is none it falls back to
 *       the untagged instances, unless the call forces its tag ({@link ClusterOptions#FORCE_TAG}
 *       or the attachment {@code dubbo.force.tag=true}), in which case nothing is left.</li>
 *   <li>An untagged call goes only to untagged instances: tagged ones are kept for their
 *       traffic.</li>
 * </ul>
 * Instances whose endpoint says the transport routes tags itself
 * ({@link #TRANSPORT_ROUTED} = {@code transport}, as a broker that filters by message tag
 * does) are left for the transport to decide and always kept.
 */
@Extension(value = "tag", order = 100, activeOn = Side.CONSUMER)
public final class TagRouter implements RuleRouter {

    private static final Logger log = LoggerFactory.getLogger(TagRouter.class);

    /** The attachment carrying a call's tag, Dubbo's key. */
    public static final String TAG_ATTACHMENT = "dubbo.tag";
    /** The attachment forcing a call's tag, Dubbo's key. */
    public static final String FORCE_TAG_ATTACHMENT = "dubbo.force.tag";
    /** Endpoint parameter that, set to {@code transport}, leaves tag routing to the transport. */
    public static final String TRANSPORT_ROUTED = "tag.routing";

    private volatile Map<ServiceKey, TagRule> rules = Map.of();

    @Override
    public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
        if (invokers.isEmpty()) {
            return invokers;
        }
        String tag = tagOf(invocation);
        TagRule rule = rules.isEmpty() ? null : rules.get(invocation.serviceKey());
        if (rule != null && !rule.enabled()) {
            rule = null;
        }
        if (tag.isEmpty() && rule == null && noneTagged(invokers)) {
            return invokers; // the common case: nothing to take away, nothing to allocate
        }
        // As Dubbo: a tag the rule lists addresses for is exactly those instances; any other tag
        // is the instances that registered with it (and that the rule does not tag otherwise).
        boolean byRule = rule != null && !tag.isEmpty() && rule.tagsByAddress().containsValue(tag);
        List<Invoker> matching = new ArrayList<>(invokers.size());
        List<Invoker> untagged = new ArrayList<>(invokers.size());
        for (Invoker i : invokers) {
            Endpoint e = i.endpoint();
            if ("transport".equals(e.parameters().get(TRANSPORT_ROUTED))) {
                matching.add(i);
                untagged.add(i);
                continue;
            }
            String own = instanceTag(e, rule);
            if (own.isEmpty()) {
                untagged.add(i);
            }
            if (byRule ? tag.equals(rule.tagOf(e.address())) : !own.isEmpty() && own.equals(tag)) {
                matching.add(i);
            }
        }
        if (tag.isEmpty()) {
            return untagged.size() == invokers.size() ? invokers : untagged;
        }
        if (!matching.isEmpty() || forced(invocation) || rule != null && rule.force()) {
            return matching.size() == invokers.size() ? invokers : matching;
        }
        return untagged;
    }

    private static boolean noneTagged(List<Invoker> invokers) {
        for (Invoker i : invokers) {
            String own = i.endpoint().parameters().get(Endpoint.TAG);
            if (own != null && !own.isEmpty() && !"transport".equals(i.endpoint().parameters().get(TRANSPORT_ROUTED))) {
                return false;
            }
        }
        return true;
    }

    /** The rule's tag for the instance at {@code e}, else the tag it registered with. */
    private static String instanceTag(Endpoint e, TagRule rule) {
        if (rule != null) {
            String dynamic = rule.tagOf(e.address());
            if (dynamic != null) {
                return dynamic;
            }
        }
        return e.parameters().getOrDefault(Endpoint.TAG, "");
    }

    @Override
    public RuleKind ruleKind() {
        return RuleKind.TAG;
    }

    /**
     * Makes {@code ruleText} ({@link TagRule}) the tag rule of {@code service}; empty removes it.
     *
     * @throws RuleSyntaxException when the text does not parse; the previous rule stays
     */
    @Override
    public synchronized void setServiceRule(ServiceKey service, String ruleText) {
        Map<ServiceKey, TagRule> next = new HashMap<>(rules);
        if (ruleText == null || ruleText.isBlank()) {
            if (next.remove(service) != null) {
                log.info("tag rule for {} removed", service);
            }
        } else {
            TagRule rule = TagRule.parse(ruleText);
            next.put(service, rule);
            log.info("tag rule for {} set: {}{}", service, rule.tagsByAddress(), rule.enabled() ? "" : " (disabled)");
        }
        rules = Map.copyOf(next);
    }

    /** The tag rules in force, by service. */
    public Map<ServiceKey, TagRule> rules() {
        return rules;
    }

    /** The tag of a call: its option, else its {@code dubbo.tag} attachment, else empty. */
    public static String tagOf(Invocation invocation) {
        String tag = invocation.options().get(CallOptions.TAG);
        if (tag != null && !tag.isEmpty()) {
            return tag;
        }
        Object attached = invocation.attachments().get(TAG_ATTACHMENT);
        return attached == null ? "" : attached.toString();
    }

    private static boolean forced(Invocation invocation) {
        if (Boolean.TRUE.equals(invocation.options().get(ClusterOptions.FORCE_TAG))) {
            return true;
        }
        Object attached = invocation.attachments().get(FORCE_TAG_ATTACHMENT);
        return attached != null && Boolean.parseBoolean(attached.toString());
    }
}
