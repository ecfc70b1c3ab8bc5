package dev.ferry.cluster.router;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dubbo's YAML tag rules, and where a malformed one goes wrong. */
class TagRuleTest {

    @Test
    void aRuleAsDubboAdminWritesIt() {
        TagRule rule = TagRule.parse("""
                # gray release of the order service
                configVersion: v3.0
                force: true
                enabled: true
                runtime: true
                key: order-service
                tags:
                  - name: gray
                    addresses: ["10.0.0.7:20880", '10.0.0.8:20880']
                  - name: blue
                    addresses:
                      - 10.0.0.9:20880
                      - "[::1]:20881"
                  - addresses: [10.0.0.10:20880]
                    name: red
                """);
        assertTrue(rule.force());
        assertTrue(rule.enabled());
        assertEquals(Map.of("10.0.0.7:20880", "gray", "10.0.0.8:20880", "gray", "10.0.0.9:20880", "blue",
                "[::1]:20881", "blue", "10.0.0.10:20880", "red"), rule.tagsByAddress());
        assertEquals("blue", rule.tagOf("10.0.0.9:20880"));
        assertNull(rule.tagOf("10.0.0.11:20880"));
    }

    @Test
    void defaultsAndEmptyLists() {
        TagRule rule = TagRule.parse("tags: []\n");
        assertFalse(rule.force());
        assertTrue(rule.enabled());
        assertTrue(rule.tagsByAddress().isEmpty());
        assertTrue(TagRule.parse("enabled: false\ntags:\n  - name: gray\n    addresses: []\n").tagsByAddress().isEmpty());
    }

    @Test
    void malformedRulesNameLineAndColumn() {
        assertRefused("", "the rule is empty", 0, 0);
        assertRefused("x".repeat(TagRule.MAX_LENGTH + 1), "longer than", 0, 0);
        assertRefused("force: maybe\n", "force must be true or false", 1, 1);
        assertRefused("colour: red\n", "unknown rule setting 'colour'", 1, 1);
        assertRefused("just words\n", "expected 'name: value'", 1, 1);
        assertRefused("- name: gray\n", "a list item outside 'tags:'", 1, 1);
        assertRefused("tags:\n  - addresses: [10.0.0.7:20880]\n", "a tag without a name", 2, 3);
        assertRefused("tags:\n  - name: gray\n    addresses: [10.0.0.7:20880, 10.0.0.8]\n", "must be host:port", 3, 33);
        assertRefused("tags:\n  - name: gray\n    addresses: [10.0.0.7:99999]\n", "must be host:port", 3, 17);
        assertRefused("tags:\n  - name: gray\n    addresses: [10.0.0.7:20880,]\n", "must be host:port", 3, 32);
        assertRefused("tags:\n  - name: gray\n    addresses: 10.0.0.7:20880\n", "addresses must be a list", 3, 16);
        assertRefused("tags:\n  - name: gray\n    addresses: [a:1]\n  - name: blue\n    addresses: [a:1]\n",
                "address a:1 is listed twice", 5, 17);
        assertRefused("tags:\n  - name: two words\n", "a tag name must be a word", 2, 11);
        assertRefused("tags:\n  - name: gray\n    name: blue\n", "the tag already has a name", 3, 5);
        assertRefused("tags:\n  - name: gray\n    match:\n      - key: env\n", "'match' are not supported", 3, 5);
        assertRefused("tags:\n  - name: gray\n    colour: red\n", "unknown tag setting 'colour'", 3, 5);
        assertRefused("tags: gray\n", "'tags:' takes its items", 1, 6);
        assertRefused("tags:\n\t- name: gray\n", "tabs are not allowed", 2, 2);
    }

    private static void assertRefused(String text, String problem, int line, int column) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> TagRule.parse(text));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
    }
}
