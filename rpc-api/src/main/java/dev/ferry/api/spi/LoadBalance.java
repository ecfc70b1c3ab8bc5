package dev.ferry.api.spi;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;

import java.util.List;

/** Picks the one provider instance that takes a call, among those the routers kept. */
@FunctionalInterface
public interface LoadBalance {

    /** One of {@code invokers}, which is never empty. */
    Invoker select(List<Invoker> invokers, Invocation invocation);
}
