package dev.ferry.cluster.router;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tag routing rule: which instances carry which tag, by address, overriding the tags the
 * instances registered with; and whether a tagged call with no instance of its tag fails
 * ({@code force}) instead of falling back to untagged instances.
 *
 * <p>Text form, Dubbo's YAML tag rule (the subset dubbo-admin writes):
 * <pre>
 * force: false
 * enabled: true
 * tags:
 *   - name: gray
 *     addresses: ["10.0.0.7:20880", "10.0.0.8:20880"]
 *   - name: blue
 *     addresses:
 *       - 10.0.0.9:20880
 * </pre>
 * Blank lines and lines starting with {@code #} are ignored; {@code key}, {@code scope},
 * {@code runtime}, {@code priority} and {@code configVersion} are accepted and have no effect
 * (a rule kept under a service is that service's). Dubbo 3's parameter {@code match} is refused:
 * only addresses are supported.
 *
 * @param force         a tagged call with no instance of its tag fails instead of falling back
 * @param enabled       false turns the rule off
 * @param tagsByAddress the tag of each listed instance, by {@code host:port}
 */
public record TagRule(boolean force, boolean enabled, Map<String, String> tagsByAddress) {

    /** The longest rule text accepted. */
    public static final int MAX_LENGTH = 64 * 1024;

    public TagRule {
        tagsByAddress = Map.copyOf(tagsByAddress);
    }

    /** The tag this rule gives the instance at {@code address} ({@code host:port}), or null. */
    public String tagOf(String address) {
        return tagsByAddress.get(address);
    }

    /**
     * Parses a rule.
     *
     * @throws RuleSyntaxException naming the line and column of the first error
     */
    public static TagRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new RuleSyntaxException("the rule is empty", 0, 0, null);
        }
        if (text.length() > MAX_LENGTH) {
            throw new RuleSyntaxException("the rule is longer than " + MAX_LENGTH + " characters", 0, 0, null);
        }
        return new Parser(text.split("\r\n|\r|\n", -1)).parse();
    }

    /** Reads the YAML subset line by line; a tag's fields are the lines indented under its item. */
    private static final class Parser {
        private final String[] lines;
        private final Map<String, String> tagsByAddress = new LinkedHashMap<>();
        private boolean force;
        private boolean enabled = true;
        private boolean inTags;
        /** Column of the current tag item's dash, -1 outside a tag. */
        private int tagColumn = -1;
        private String tagName;
        /** Whether the current tag's block list of addresses is open. */
        private boolean inAddresses;
        private int tagLine;

        Parser(String[] lines) {
            this.lines = lines;
        }

        TagRule parse() {
            for (int n = 0; n < lines.length; n++) {
                String raw = lines[n];
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.equals("---")) {
                    continue;
                }
                int column = raw.indexOf(line) + 1;
                if (line.indexOf('\t') >= 0 || raw.substring(0, column - 1).indexOf('\t') >= 0) {
                    throw new RuleSyntaxException("tabs are not allowed in a rule", n + 1, column, null);
                }
                if (line.startsWith("-")) {
                    listItem(line, n + 1, column);
                } else if (tagColumn >= 0 && column > tagColumn) {
                    tagField(line, n + 1, column);
                } else {
                    endTag();
                    setting(line, n + 1, column);
                }
            }
            endTag();
            return new TagRule(force, enabled, tagsByAddress);
        }

        private void listItem(String line, int n, int column) {
            String item = line.substring(1).strip();
            int itemColumn = column + line.indexOf(item, 1);
            if (inAddresses && column > tagColumn) {
                address(item, n, itemColumn);
                return;
            }
            if (!inTags) {
                throw new RuleSyntaxException("a list item outside 'tags:'", n, column, null);
            }
            endTag();
            tagColumn = column;
            tagLine = n;
            if (!item.isEmpty()) {
                tagField(item, n, itemColumn);
            }
        }

        private void tagField(String line, int n, int column) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new RuleSyntaxException("expected 'name: value' in a tag", n, column, null);
            }
            String field = line.substring(0, colon).strip();
            String rest = line.substring(colon + 1);
            String value = rest.strip();
            int valueColumn = column + colon + 1 + (rest.length() - rest.stripLeading().length());
            inAddresses = false;
            switch (field) {
                case "name" -> {
                    String name = RuleValues.unquote(value);
                    if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                        throw new RuleSyntaxException("a tag name must be a word, was '" + name + "'", n, valueColumn, null);
                    }
                    if (tagName != null) {
                        throw new RuleSyntaxException("the tag already has a name", n, column, null);
                    }
                    tagName = name;
                }
                case "addresses" -> {
                    if (value.isEmpty()) {
                        inAddresses = true;
                    } else if (value.startsWith("[") && value.endsWith("]")) {
                        String inner = value.substring(1, value.length() - 1);
                        if (!inner.isBlank()) {
                            int at = valueColumn + 1; // column of the part's first character
                            for (String part : inner.split(",", -1)) {
                                address(part.strip(), n, at + (part.length() - part.stripLeading().length()));
                                at += part.length() + 1;
                            }
                        }
                    } else {
                        throw new RuleSyntaxException("addresses must be a list: [a, b] or '- a' lines", n, valueColumn, null);
                    }
                }
                case "match" -> throw new RuleSyntaxException("tags chosen by parameter 'match' are not supported:"
                        + " list the instances' addresses", n, column, null);
                default -> throw new RuleSyntaxException("unknown tag setting '" + field + "'", n, column, null);
            }
        }

        private void address(String item, int n, int column) {
            String address = RuleValues.unquote(item);
            int colon = address.lastIndexOf(':');
            int port = -1;
            if (colon > 0 && colon < address.length() - 1) {
                try {
                    port = Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535 || address.chars().anyMatch(Character::isWhitespace)) {
                throw new RuleSyntaxException("an address must be host:port, was '" + address + "'", n, column, null);
            }
            String previous = tagsByAddress.putIfAbsent(address, tagName == null ? "" : tagName);
            if (previous != null) {
                throw new RuleSyntaxException("address " + address + " is listed twice", n, column, null);
            }
        }

        /** Closes the current tag item: it needs a name (its addresses may come before it). */
        private void endTag() {
            if (tagColumn < 0) {
                return;
            }
            if (tagName == null) {
                throw new RuleSyntaxException("a tag without a name", tagLine, tagColumn, null);
            }
            tagsByAddress.replaceAll((address, tag) -> tag.isEmpty() ? tagName : tag);
            tagColumn = -1;
            tagName = null;
            inAddresses = false;
        }

        private void setting(String line, int n, int column) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new RuleSyntaxException("expected 'name: value' or a '- tag' item", n, column, null);
            }
            String name = line.substring(0, colon).strip();
            String value = RuleValues.unquote(line.substring(colon + 1).strip());
            inTags = false;
            switch (name) {
                case "tags" -> {
                    if (!value.isEmpty() && !value.equals("[]")) {
                        throw new RuleSyntaxException("'tags:' takes its items on the following lines", n, column + colon + 1, null);
                    }
                    inTags = true;
                }
                case "force" -> force = RuleValues.bool(value, name, n, column);
                case "enabled" -> enabled = RuleValues.bool(value, name, n, column);
                case "runtime" -> RuleValues.bool(value, name, n, column);
                case "key", "scope", "priority", "configVersion" -> {
                    // Accepted for compatibility with Dubbo rules; no effect here.
                }
                default -> throw new RuleSyntaxException("unknown rule setting '" + name + "'", n, column, null);
            }
        }

    }
}
