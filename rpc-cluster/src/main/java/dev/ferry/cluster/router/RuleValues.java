package dev.ferry.cluster.router;

/** Values of the YAML subset that routing rules are written in. */
final class RuleValues {

    private RuleValues() {
    }

    /** {@code true} or {@code false}; anything else fails naming the setting and where it is. */
    static boolean bool(String value, String name, int line, int column) {
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new RuleSyntaxException(name + " must be true or false, was '" + value + "'", line, column, null);
    }

    /** The value without one pair of matching surrounding quotes. */
    static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
