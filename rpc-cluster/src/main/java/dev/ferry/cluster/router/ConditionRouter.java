package dev.ferry.cluster.router;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.RuleKind;
import dev.ferry.api.spi.RuleRouter;
import dev.ferry.api.spi.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Dubbo's condition router: rules of {@code when => then} conditions ({@link Condition},
 * {@link ConditionRule}) decide which instances the calls they match may reach.
 *
 * <p>The {@code when} side reads the call and this consumer: {@code method},
 * {@code arguments[N]}, {@code attachments[name]}, {@code host} (this consumer's address),
 * {@code interface}, {@code group}, {@code version}, and the consumer parameters given to the
 * constructor. The {@code then} side reads each instance: {@code host}, {@code port},
 * {@code address} ({@code host:port}), {@code protocol} and its endpoint parameters
 * ({@code tag}, {@code weight}, {@code region} …); {@code $name} there stands for the
 * consumer's own value of {@code name}.
 *
 * <p>Rules are replaced at runtime with {@link #setRule}: one rule per service key plus one for
 * every service; a rule text that does not parse is refused with the position of the error and
 * the previous rule stays. With no rule the router keeps every instance.
 */
@Extension(value = "condition", order = 200, activeOn = Side.CONSUMER)
public final class ConditionRouter implements RuleRouter {

    private static final Logger log = LoggerFactory.getLogger(ConditionRouter.class);

    private final String consumerHost;
    private final Map<String, String> consumerParameters;
    private volatile Map<String, ConditionRule> rules = Map.of();

    /** A router whose consumer {@code host} is this machine's address, looked up when a rule first needs it. */
    public ConditionRouter() {
        this.consumerHost = null;
        this.consumerParameters = Map.of();
    }

    /** A router for a consumer at {@code consumerHost} with extra {@code when}/{@code $} values. */
    public ConditionRouter(String consumerHost, Map<String, String> consumerParameters) {
        this.consumerHost = Objects.requireNonNull(consumerHost, "consumerHost");
        this.consumerParameters = Map.copyOf(consumerParameters);
    }

    /**
     * Parses {@code text} and makes it the rule for the service its {@code key} names (every
     * service when it names none), replacing the one there was.
     *
     * @return the rule now in force
     * @throws RuleSyntaxException when the text does not parse; the previous rule stays
     */
    public synchronized ConditionRule setRule(String text) {
        ConditionRule rule = ConditionRule.parse(text);
        Map<String, ConditionRule> next = new LinkedHashMap<>(rules);
        next.put(rule.key(), rule);
        rules = Collections.unmodifiableMap(next);
        log.info("condition rule for {} set: {}", rule.key().isEmpty() ? "every service" : rule.key(), rule.conditions());
        return rule;
    }

    @Override
    public RuleKind ruleKind() {
        return RuleKind.CONDITION;
    }

    /**
     * Makes {@code ruleText} the rule of {@code service}, whatever key the text names (a rule
     * kept under a service in dynamic configuration is that service's); empty removes it.
     */
    @Override
    public synchronized void setServiceRule(ServiceKey service, String ruleText) {
        String key = service.toString();
        if (ruleText == null || ruleText.isBlank()) {
            if (removeRule(key)) {
                log.info("condition rule for {} removed", key);
            }
            return;
        }
        ConditionRule parsed = ConditionRule.parse(ruleText);
        ConditionRule rule = new ConditionRule(key, parsed.force(), parsed.enabled(), parsed.conditions());
        Map<String, ConditionRule> next = new LinkedHashMap<>(rules);
        next.put(key, rule);
        rules = Collections.unmodifiableMap(next);
        log.info("condition rule for {} set: {}", key, rule.conditions());
    }

    /** Removes the rule for {@code key} (empty: the rule for every service); true when there was one. */
    public synchronized boolean removeRule(String key) {
        if (!rules.containsKey(key)) {
            return false;
        }
        Map<String, ConditionRule> next = new LinkedHashMap<>(rules);
        next.remove(key);
        rules = Collections.unmodifiableMap(next);
        return true;
    }

    /** The rules in force, by service key ({@code ""}: every service). */
    public Map<String, ConditionRule> rules() {
        return rules;
    }

    @Override
    public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
        Map<String, ConditionRule> current = rules;
        if (current.isEmpty() || invokers.isEmpty()) {
            return invokers;
        }
        String service = invocation.serviceKey().toString();
        String iface = invocation.serviceKey().interfaceName();
        List<Invoker> out = invokers;
        // The service's own rule first, then the one for every service, as Dubbo orders them.
        ConditionRule own = current.get(service);
        if (own == null) {
            own = current.get(iface);
        }
        if (own != null) {
            out = apply(own, out, invocation);
        }
        ConditionRule all = current.get("");
        if (all != null && !out.isEmpty()) {
            out = apply(all, out, invocation);
        }
        return out;
    }

    private List<Invoker> apply(ConditionRule rule, List<Invoker> invokers, Invocation invocation) {
        if (!rule.enabled()) {
            return invokers;
        }
        Function<String, String> consumer = key -> consumerValue(key, invocation);
        List<Invoker> current = invokers;
        for (Condition c : rule.conditions()) {
            if (!c.matchesWhen(consumer)) {
                continue;
            }
            if (c.then() == null) {
                return List.of();
            }
            List<Invoker> kept = new ArrayList<>(current.size());
            for (Invoker i : current) {
                Endpoint e = i.endpoint();
                if (c.matchesThen(key -> providerValue(key, e), consumer)) {
                    kept.add(i);
                }
            }
            if (!kept.isEmpty()) {
                current = kept.size() == current.size() ? current : kept;
            } else if (rule.force()) {
                return List.of();
            } else {
                log.debug("condition '{}' matched {} but no instance; ignored (force=false)", c, invocation.methodName());
            }
        }
        return current;
    }

    private String consumerValue(String key, Invocation invocation) {
        switch (key) {
            case "method", "methods":
                return invocation.methodName();
            case "host":
                return consumerHost != null ? consumerHost : LocalHost.ADDRESS;
            case "interface", "service":
                return invocation.serviceKey().interfaceName();
            case "group":
                return invocation.serviceKey().group();
            case "version":
                return invocation.serviceKey().version();
            default:
                break;
        }
        if (key.startsWith("arguments[")) {
            int index = Integer.parseInt(key.substring("arguments[".length(), key.length() - 1));
            Object[] args = invocation.arguments();
            return index < args.length ? String.valueOf(args[index]) : null;
        }
        if (key.startsWith("attachments[")) {
            Object v = invocation.attachments().get(key.substring("attachments[".length(), key.length() - 1));
            return v == null ? null : v.toString();
        }
        return consumerParameters.get(key);
    }

    private static String providerValue(String key, Endpoint e) {
        return switch (key) {
            case "host" -> e.host();
            case "port" -> String.valueOf(e.port());
            case "address" -> e.address();
            case "protocol" -> e.protocol();
            default -> e.parameters().get(key);
        };
    }

    /** This machine's address, looked up once, on first use (a slow resolver must not slow every start). */
    private static final class LocalHost {
        static final String ADDRESS = lookup();

        private static String lookup() {
            try {
                return InetAddress.getLocalHost().getHostAddress();
            } catch (Exception e) {
                return "127.0.0.1";
            }
        }
    }

    @Override
    public String toString() {
        return "ConditionRouter" + new HashMap<>(rules).keySet();
    }
}
