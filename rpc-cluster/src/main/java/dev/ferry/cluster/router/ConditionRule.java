package dev.ferry.cluster.router;

import java.util.ArrayList;
import java.util.List;

/**
 * A condition routing rule: the conditions applied in order to one service (or to every
 * service), and whether an empty outcome is kept ({@code force}).
 *
 * <p>Text form, either Dubbo's YAML rule (the subset dubbo-admin writes):
 * <pre>
 * scope: service
 * key: org.example.Greeter
 * force: false
 * enabled: true
 * conditions:
 *   - method = find*,list* => host = 10.20.*
 *   - host = 10.20.153.10 =>
 * </pre>
 * or just the conditions, one per line. Blank lines and lines starting with {@code #} are
 * ignored. {@code runtime}, {@code priority} and {@code configVersion} are accepted and have no
 * effect (every rule is evaluated per call).
 *
 * @param key        the service the rule is for: an interface name or {@code group/interface:version};
 *                   empty for every service (also what {@code scope: application} means here)
 * @param force      when a condition matches a call but no instance, true sends the call nowhere,
 *                   false (the default) ignores that condition
 * @param enabled    false turns the rule off
 * @param conditions the conditions, applied in order, each to what the previous kept
 */
public record ConditionRule(String key, boolean force, boolean enabled, List<Condition> conditions) {

    /** The longest rule text accepted. */
    public static final int MAX_LENGTH = 64 * 1024;

    public ConditionRule {
        key = key == null ? "" : key;
        conditions = List.copyOf(conditions);
    }

    /**
     * Parses a rule.
     *
     * @throws RuleSyntaxException naming the line and column of the first error
     */
    public static ConditionRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new RuleSyntaxException("the rule is empty", 0, 0, null);
        }
        if (text.length() > MAX_LENGTH) {
            throw new RuleSyntaxException("the rule is longer than " + MAX_LENGTH + " characters", 0, 0, null);
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        boolean yaml = false;
        for (String l : lines) {
            if (l.strip().startsWith("conditions:")) {
                yaml = true;
                break;
            }
        }
        String key = "";
        boolean force = false;
        boolean enabled = true;
        List<Condition> conditions = new ArrayList<>();
        boolean inConditions = false;
        boolean application = false;
        for (int n = 0; n < lines.length; n++) {
            String raw = lines[n];
            String line = raw.strip();
            int column = raw.indexOf(line) + 1;
            if (line.isEmpty() || line.startsWith("#") || line.equals("---")) {
                continue;
            }
            if (!yaml) {
                conditions.add(Condition.parse(line, n + 1, column));
                continue;
            }
            if (line.startsWith("-")) {
                if (!inConditions) {
                    throw new RuleSyntaxException("a list item outside 'conditions:'", n + 1, column, null);
                }
                String item = line.substring(1).strip();
                int itemColumn = raw.indexOf(item, column) + 1;
                if (item.length() >= 2 && (item.charAt(0) == '"' || item.charAt(0) == '\'')) {
                    char q = item.charAt(0);
                    if (item.charAt(item.length() - 1) != q) {
                        throw new RuleSyntaxException("unclosed quote", n + 1, itemColumn, null);
                    }
                    item = item.substring(1, item.length() - 1);
                    itemColumn++;
                }
                conditions.add(Condition.parse(item, n + 1, itemColumn));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new RuleSyntaxException("expected 'name: value' or a '- condition' item", n + 1, column, null);
            }
            String name = line.substring(0, colon).strip();
            String value = RuleValues.unquote(line.substring(colon + 1).strip());
            inConditions = false;
            switch (name) {
                case "conditions" -> {
                    if (!value.isEmpty()) {
                        throw new RuleSyntaxException("'conditions:' takes its items on the following lines", n + 1, column + colon + 1, null);
                    }
                    inConditions = true;
                }
                case "key" -> key = value;
                case "scope" -> {
                    if (!value.equals("service") && !value.equals("application")) {
                        throw new RuleSyntaxException("scope must be service or application, was '" + value + "'", n + 1, column, null);
                    }
                    application = value.equals("application");
                }
                case "force" -> force = RuleValues.bool(value, name, n + 1, column);
                case "enabled" -> enabled = RuleValues.bool(value, name, n + 1, column);
                case "runtime" -> RuleValues.bool(value, name, n + 1, column);
                case "priority", "configVersion" -> {
                    // Accepted for compatibility with Dubbo rules; no effect here.
                }
                default -> throw new RuleSyntaxException("unknown rule setting '" + name + "'", n + 1, column, null);
            }
        }
        if (conditions.isEmpty()) {
            throw new RuleSyntaxException("the rule has no condition", 0, 0, null);
        }
        // An application-scoped rule is for every service this consumer calls.
        return new ConditionRule(application ? "" : key, force, enabled, conditions);
    }

    /** Whether this rule is for {@code serviceKey} (its {@code toString()}) with interface {@code interfaceName}. */
    boolean appliesTo(String serviceKey, String interfaceName) {
        return key.isEmpty() || key.equals(serviceKey) || key.equals(interfaceName);
    }
}
