package dev.ferry.api.spi;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;

import java.util.List;

/**
 * Narrows the provider instances a call may reach (tag, condition and script rules).
 * Routers run in {@link Extension#order()} and each sees what the previous one kept.
 */
@FunctionalInterface
public interface Router {

    /** The invokers the call may use; never null, may be empty. Must not modify {@code invokers}. */
    List<Invoker> route(List<Invoker> invokers, Invocation invocation);
}
