package dev.ferry.api.spi;

import dev.ferry.api.Invoker;

/**
 * A failure-handling strategy (failover, failfast, …): joins the instances of a directory
 * into one invoker that lists, load-balances and retries as the strategy says.
 */
@FunctionalInterface
public interface Cluster {

    Invoker join(Directory directory);
}
