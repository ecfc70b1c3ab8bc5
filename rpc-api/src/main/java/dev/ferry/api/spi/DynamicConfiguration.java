package dev.ferry.api.spi;

import dev.ferry.api.ServiceKey;

import java.util.function.Consumer;

/**
 * Router rules that operators change while consumers run. Given one,
 * {@code FerryBootstrap.Builder.dynamicConfiguration} keeps every {@link RuleRouter} of every
 * reference on its service's current rule; by hand a router follows its rule with
 * {@link #watchRule}:
 *
 * <pre>{@code
 * DynamicConfiguration config = zookeeperRegistry.dynamicConfiguration();
 * DynamicConfiguration.Watch w = config.watchRule(key, RuleKind.TAG,
 *         rule -> { if (rule.isEmpty()) tagRouter.clearRule(); else tagRouter.setRule(rule); });
 * }</pre>
 */
@FunctionalInterface
public interface DynamicConfiguration {

    /**
     * Calls {@code onChange} with the current text of the rule ({@code ""} when none is set)
     * before returning, then after every change, one call at a time and never twice in a row
     * with the same text. An exception thrown by {@code onChange} is logged and does not stop
     * the watch.
     *
     * @return a handle that stops the watch
     */
    Watch watchRule(ServiceKey service, RuleKind kind, Consumer<String> onChange);

    /** Stops a watch; closing twice does nothing. */
    @FunctionalInterface
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
