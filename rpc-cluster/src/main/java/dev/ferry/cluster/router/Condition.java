package dev.ferry.cluster.router;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One condition of a condition rule, in Dubbo's syntax: {@code when => then}. Each side is
 * {@code key = value,value & key != value}; a value may hold {@code *} wildcards, be a numeric
 * range {@code 1~100} ({@code ~100}, {@code 1~}) or, on the {@code then} side, a reference
 * {@code $key} to the consumer's own value. An empty {@code when} (or {@code true}) matches every
 * call; an empty {@code then} (or {@code false}) sends matching calls nowhere (a blacklist).
 * Without {@code =>} the whole text is the {@code then} side.
 *
 * @param when matchers on the call and the consumer, all of which must hold; empty matches all
 * @param then matchers on the provider instance, all of which must hold; null is a blacklist
 * @param text the condition as written
 */
public record Condition(Map<String, Matcher> when, Map<String, Matcher> then, String text) {

    public Condition {
        when = Collections.unmodifiableMap(new LinkedHashMap<>(when));
        then = then == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(then));
    }

    /**
     * Parses one condition. {@code line} and {@code firstColumn} place errors in the rule text.
     *
     * @throws RuleSyntaxException naming the position of the first error
     */
    public static Condition parse(String text, int line, int firstColumn) {
        String s = text;
        int arrow = s.indexOf("=>");
        if (arrow >= 0 && s.indexOf("=>", arrow + 2) >= 0) {
            throw new RuleSyntaxException("a condition has one '=>', found another", line, firstColumn + s.indexOf("=>", arrow + 2), null);
        }
        String whenText = arrow < 0 ? "" : s.substring(0, arrow);
        String thenText = arrow < 0 ? s : s.substring(arrow + 2);
        int thenOffset = arrow < 0 ? 0 : arrow + 2;
        Map<String, Matcher> when = whenText.isBlank() || whenText.trim().equals("true") ? Map.of()
                : side(whenText, 0, line, firstColumn);
        Map<String, Matcher> then = thenText.isBlank() || thenText.trim().equals("false") ? null
                : side(thenText, thenOffset, line, firstColumn);
        return new Condition(when, then, text.trim());
    }

    private static Map<String, Matcher> side(String text, int offset, int line, int firstColumn) {
        Map<String, MatcherBuilder> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        MatcherBuilder current = null;
        Set<String> values = null;
        // expect: KEY, then OP, then VALUE, then (',' VALUE | '&' KEY | OP VALUE)*
        String state = "key";
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int at = firstColumn + offset + i;
            char c = text.charAt(i);
            switch (state) {
                case "key" -> {
                    int end = word(text, i);
                    if (end == i) {
                        throw new RuleSyntaxException("expected a key such as host, method or arguments[0], found '" + c + "'", line, at, null);
                    }
                    String key = text.substring(i, end);
                    // Dubbo's old rules prefix keys with the side they read; the side is implied here.
                    if (key.startsWith("consumer.") || key.startsWith("provider.")) {
                        key = key.substring(9);
                    }
                    checkKey(key, line, at);
                    current = out.computeIfAbsent(key, MatcherBuilder::new);
                    i = end;
                    state = "op";
                }
                case "op" -> {
                    if (c == '=') {
                        values = current.matches;
                        i++;
                    } else if (c == '!' && i + 1 < n && text.charAt(i + 1) == '=') {
                        values = current.mismatches;
                        i += 2;
                    } else {
                        throw new RuleSyntaxException("expected '=' or '!=' after '" + current.key + "', found '" + c + "'", line, at, null);
                    }
                    state = "value";
                }
                case "value" -> {
                    int end = word(text, i);
                    if (end == i) {
                        throw new RuleSyntaxException("expected a value, found '" + c + "'", line, at, null);
                    }
                    String value = text.substring(i, end);
                    checkValue(value, line, at);
                    values.add(value);
                    i = end;
                    state = "next";
                }
                case "next" -> {
                    if (c == ',') {
                        i++;
                        state = "value";
                    } else if (c == '&') {
                        i++;
                        state = "key";
                    } else if (c == '=' || c == '!') {
                        state = "op";
                    } else {
                        throw new RuleSyntaxException("expected ',', '&' or '=>' after a value, found '" + c + "'", line, at, null);
                    }
                }
                default -> throw new IllegalStateException(state);
            }
        }
        if (!state.equals("next")) {
            int at = firstColumn + offset + n;
            throw new RuleSyntaxException("condition ends early: expected " + switch (state) {
                case "key" -> "a key";
                case "op" -> "'=' or '!=' after '" + current.key + "'";
                default -> "a value";
            }, line, at, null);
        }
        Map<String, Matcher> result = new LinkedHashMap<>();
        out.forEach((k, b) -> result.put(k, new Matcher(k, List.copyOf(b.matches), List.copyOf(b.mismatches))));
        return result;
    }

    private static int word(String text, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '=' || c == '!' || c == ',' || c == '&') {
                break;
            }
            i++;
        }
        return i;
    }

    private static void checkKey(String key, int line, int at) {
        if (key.startsWith("arguments[") || key.startsWith("attachments[")) {
            int close = key.indexOf(']');
            if (close < 0 || close != key.length() - 1 || close == key.indexOf('[') + 1) {
                throw new RuleSyntaxException("malformed key '" + key + "': expected arguments[N] or attachments[name]", line, at, null);
            }
            if (key.startsWith("arguments[")) {
                String index = key.substring("arguments[".length(), close);
                if (!index.chars().allMatch(Character::isDigit) || index.length() > 4) {
                    throw new RuleSyntaxException("malformed key '" + key + "': the argument index must be a number", line, at, null);
                }
            }
            return;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) {
                throw new RuleSyntaxException("malformed key '" + key + "': unexpected '" + c + "'", line, at + i, null);
            }
        }
    }

    private static void checkValue(String value, int line, int at) {
        if (value.startsWith("$") && value.length() == 1) {
            throw new RuleSyntaxException("'$' must name a key, as in $host", line, at, null);
        }
        int tilde = value.indexOf('~');
        if (tilde >= 0) {
            String low = value.substring(0, tilde);
            String high = value.substring(tilde + 1);
            if ((low.isEmpty() && high.isEmpty()) || !isInteger(low) || !isInteger(high)) {
                throw new RuleSyntaxException("malformed range '" + value + "': expected N~M, ~M or N~ with whole numbers", line, at, null);
            }
        }
    }

    private static boolean isInteger(String s) {
        if (s.isEmpty()) {
            return true;
        }
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether the call matches the {@code when} side; {@code consumer} looks up the call's and consumer's values. */
    boolean matchesWhen(Function<String, String> consumer) {
        for (Matcher m : when.values()) {
            if (!m.matches(consumer.apply(m.key()), null, true)) {
                return false;
            }
        }
        return true;
    }

    /** Whether an instance matches the {@code then} side; {@code references} resolves {@code $key}. */
    boolean matchesThen(Function<String, String> provider, Function<String, String> references) {
        for (Matcher m : then.values()) {
            if (!m.matches(provider.apply(m.key()), references, false)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class MatcherBuilder {
        final String key;
        final Set<String> matches = new LinkedHashSet<>();
        final Set<String> mismatches = new LinkedHashSet<>();

        MatcherBuilder(String key) {
            this.key = key;
        }
    }

    /**
     * The values one key must (and must not) have. With only {@code =} values, one must match;
     * with only {@code !=} values, none may; with both, none of the {@code !=} and one of the
     * {@code =}. A key with no value on the call or instance never matches.
     *
     * @param key        what is compared: {@code host}, {@code method}, {@code arguments[0]} …
     * @param matches    the {@code =} patterns
     * @param mismatches the {@code !=} patterns
     */
    public record Matcher(String key, List<String> matches, List<String> mismatches) {

        boolean matches(String value, Function<String, String> references, boolean when) {
            if (value == null) {
                return false;
            }
            for (String p : mismatches) {
                if (patternMatches(p, value, references, when)) {
                    return false;
                }
            }
            if (matches.isEmpty()) {
                return true;
            }
            for (String p : matches) {
                if (patternMatches(p, value, references, when)) {
                    return true;
                }
            }
            return false;
        }

        static boolean patternMatches(String pattern, String value, Function<String, String> references, boolean when) {
            if (references != null && pattern.startsWith("$")) {
                String referenced = references.apply(pattern.substring(1));
                return referenced != null && referenced.equals(value);
            }
            int tilde = pattern.indexOf('~');
            if (tilde >= 0) {
                long v;
                try {
                    v = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    // Dubbo's choice: a non-number never satisfies a when-range but does not exclude an instance.
                    return !when;
                }
                String low = pattern.substring(0, tilde);
                String high = pattern.substring(tilde + 1);
                return (low.isEmpty() || v >= Long.parseLong(low)) && (high.isEmpty() || v <= Long.parseLong(high));
            }
            return glob(pattern, value);
        }

        /** {@code *} matches any run of characters, everything else itself. */
        static boolean glob(String pattern, String value) {
            if (pattern.indexOf('*') < 0) {
                return pattern.equals(value);
            }
            List<String> parts = new ArrayList<>(List.of(pattern.split("\\*", -1)));
            String first = parts.get(0);
            String last = parts.get(parts.size() - 1);
            if (!value.startsWith(first) || value.length() < first.length() + last.length() || !value.endsWith(last)) {
                return false;
            }
            int at = first.length();
            int end = value.length() - last.length();
            for (int i = 1; i < parts.size() - 1; i++) {
                String part = parts.get(i);
                int found = value.indexOf(part, at);
                if (found < 0 || found + part.length() > end) {
                    return false;
                }
                at = found + part.length();
            }
            return true;
        }
    }
}
