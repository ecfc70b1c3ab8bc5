package dev.ferry.api.spi;

import dev.ferry.api.ServiceKey;

/**
 * A router whose behaviour for a service is set by a rule text that operators change at
 * runtime. A bootstrap given a {@link DynamicConfiguration} watches the rule of each referred
 * service and hands every new text to the router.
 */
public interface RuleRouter extends Router {

    /** Which rules this router follows. */
    RuleKind ruleKind();

    /**
     * Makes {@code ruleText} the rule for {@code service}; an empty text removes it.
     *
     * @throws IllegalArgumentException when the text does not parse; the previous rule stays
     */
    void setServiceRule(ServiceKey service, String ruleText);
}
