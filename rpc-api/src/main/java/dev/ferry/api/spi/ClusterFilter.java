package dev.ferry.api.spi;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;

import java.util.concurrent.CompletableFuture;

/**
 * Wraps one whole call on the consumer side, before routing and load balancing and around
 * all of its retries: metrics, context, rate limits, tracing.
 */
@FunctionalInterface
public interface ClusterFilter {

    CompletableFuture<Result> invoke(Invocation invocation, Invoker next);
}
