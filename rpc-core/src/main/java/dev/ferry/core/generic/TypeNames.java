package dev.ferry.core.generic;

/**
 * Turns the parameter type names of a generic call ({@code "int"}, {@code "java.lang.String"},
 * {@code "com.example.User[]"}, {@code "[Ljava.lang.String;"}) into the JVM descriptor a Dubbo
 * request names its parameters with, without loading any class: the provider then finds the
 * method among those it exports, and a name that matches none loads nothing.
 */
public final class TypeNames {

    /** Longest type name accepted; real ones are far shorter. */
    static final int MAX_NAME_LENGTH = 512;
    private static final int MAX_DIMENSIONS = 32;

    private TypeNames() {
    }

    /**
     * The concatenated descriptors of {@code names}; {@code null} or empty gives {@code ""}.
     *
     * @throws IllegalArgumentException naming the offending entry when a name is not a type name
     */
    public static String descriptor(String[] names) {
        if (names == null || names.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(names.length * 24);
        for (int i = 0; i < names.length; i++) {
            try {
                append(sb, names[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter type " + i + ": " + e.getMessage());
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("the type name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("the type name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.startsWith("[")) {
            appendDescriptorForm(sb, name);
            return;
        }
        String element = name;
        int dimensions = 0;
        while (element.endsWith("[]")) {
            element = element.substring(0, element.length() - 2);
            dimensions++;
        }
        if (dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("'" + shown(name) + "' has more than " + MAX_DIMENSIONS + " dimensions");
        }
        sb.append("[".repeat(dimensions));
        char primitive = primitive(element);
        if (primitive != 0) {
            sb.append(primitive);
            return;
        }
        if (element.equals("void")) {
            throw new IllegalArgumentException("void is not a parameter type");
        }
        checkClassName(name, element);
        sb.append('L').append(element.replace('.', '/')).append(';');
    }

    // Class.getName() of an array: "[I", "[[Ljava.lang.String;".
    private static void appendDescriptorForm(StringBuilder sb, String name) {
        int dimensions = 0;
        while (dimensions < name.length() && name.charAt(dimensions) == '[') {
            dimensions++;
        }
        if (dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("'" + shown(name) + "' has more than " + MAX_DIMENSIONS + " dimensions");
        }
        String rest = name.substring(dimensions);
        if (rest.length() == 1 && "ZBCSIJFD".indexOf(rest.charAt(0)) >= 0) {
            sb.append(name);
            return;
        }
        if (rest.length() < 3 || rest.charAt(0) != 'L' || rest.charAt(rest.length() - 1) != ';') {
            throw new IllegalArgumentException("'" + shown(name) + "' is not an array type name");
        }
        String element = rest.substring(1, rest.length() - 1);
        checkClassName(name, element);
        sb.append("[".repeat(dimensions)).append('L').append(element.replace('.', '/')).append(';');
    }

    private static char primitive(String name) {
        return switch (name) {
            case "int" -> 'I';
            case "long" -> 'J';
            case "boolean" -> 'Z';
            case "byte" -> 'B';
            case "char" -> 'C';
            case "short" -> 'S';
            case "double" -> 'D';
            case "float" -> 'F';
            default -> 0;
        };
    }

    private static void checkClassName(String whole, String name) {
        boolean start = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (start) {
                    throw new IllegalArgumentException("'" + shown(whole) + "' is not a class name");
                }
                start = true;
            } else if (!Character.isIdentifierIgnorable(c)
                    && (start ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c))) {
                start = false;
            } else {
                throw new IllegalArgumentException("'" + shown(whole) + "' is not a class name");
            }
        }
        if (start) {
            throw new IllegalArgumentException("'" + shown(whole) + "' is not a class name");
        }
    }

    // Hostile names may be long or hold control characters: show a printable prefix.
    static String shown(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 80 ? sb + "…" : sb.toString();
    }
}
