package dev.ferry.api.spi;

/** The kinds of router rule kept in dynamic configuration. */
public enum RuleKind {

    /** Tag routing: which tagged instances a tagged call may reach. */
    TAG("tag"),
    /** Condition routing: {@code when => then} rules over call and instance properties. */
    CONDITION("condition");

    private final String nodeName;

    RuleKind(String nodeName) {
        this.nodeName = nodeName;
    }

    /** The rule's name in a configuration store, e.g. its ZooKeeper node. */
    public String nodeName() {
        return nodeName;
    }
}
