package dev.ferry.api;

import java.util.concurrent.CompletableFuture;

/**
 * Something that can carry out an {@link Invocation}: a remote provider instance reached over
 * a protocol, a cluster of them, or (on the provider side) the service implementation.
 *
 * <p>{@link #invoke} never blocks: it returns a future that completes with a {@link Result}
 * (value or business exception) or completes exceptionally with an {@link RpcException}.
 */
public interface Invoker {

    /** The service interface. */
    Class<?> type();

    /** The service this invoker serves. */
    ServiceKey serviceKey();

    /** Where calls go; for a cluster or a local implementation, a descriptive endpoint. */
    Endpoint endpoint();

    /** Starts the call. */
    CompletableFuture<Result> invoke(Invocation invocation);

    /** False once this invoker cannot take calls (its connection is gone, it was closed). */
    default boolean isAvailable() {
        return true;
    }

    /** Releases what the invoker holds; further calls fail. */
    default void close() {
    }
}
