package dev.ferry.core.config;

import java.time.Duration;

/** Validation shared by the configuration builders. */
final class Names {

    private Names() {
    }

    /** A group, version or tag: may be empty, never null, printable without separators. */
    static String check(String what, String value) {
        if (value == null) {
            return "";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException(what + " '" + value + "' may hold only letters, digits, '.', '-' and '_'");
            }
        }
        return value;
    }

    /** An extension name: not blank. */
    static String require(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " name is blank");
        }
        return check(what, value.trim());
    }

    static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }
}
