package dev.ferry.api.spi;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;

import java.util.concurrent.CompletableFuture;

/**
 * Wraps the call to one chosen provider instance (consumer side) or to the implementation
 * (provider side): timeouts, active-call counts, auth tokens. A filter calls
 * {@code next.invoke(invocation)} to go on, or returns its own future to stop the call.
 */
@FunctionalInterface
public interface Filter {

    CompletableFuture<Result> invoke(Invocation invocation, Invoker next);
}
