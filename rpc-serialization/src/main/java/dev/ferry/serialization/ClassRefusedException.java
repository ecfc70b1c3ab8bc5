package dev.ferry.serialization;

import java.io.IOException;

/**
 * Thrown while decoding when the bytes name a class the {@link dev.ferry.api.spi.ClassAllowlist}
 * refuses. The class is refused before it is loaded or instantiated.
 */
public class ClassRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String className;
    private final boolean knownGadget;

    /** A refusal of {@code className} because the allowlist does not name it. */
    public ClassRefusedException(String className) {
        this(className, false);
    }

    /**
     * A refusal of {@code className}; {@code knownGadget} says it is on the deny list of known
     * deserialization gadgets, which no allowlist entry can override.
     */
    public ClassRefusedException(String className, boolean knownGadget) {
        super(message(className, knownGadget));
        this.className = className;
        this.knownGadget = knownGadget;
    }

    private static String message(String className, boolean knownGadget) {
        if (knownGadget) {
            return "class " + className + " is not allowed for deserialization: it is on the deny list"
                    + " of known deserialization gadgets and cannot be allowed";
        }
        return "class " + className + " is not allowed for deserialization; add it to the service's"
                + " allowlist (ServiceConfig.allowClass)";
    }

    /** The refused class name, as the bytes spelled it. */
    public String className() {
        return className;
    }

    /** True when the class is a known gadget that no allowlist can admit. */
    public boolean knownGadget() {
        return knownGadget;
    }
}
