package dev.ferry.api;

import java.util.concurrent.CompletableFuture;

/**
 * Per-thread hand-off of the future of the last call made through a reference declared
 * {@code async = true}: the proxy method returns at once and the caller takes the future
 * here, on the same thread, right after the call.
 */
public final class RpcContext {

    private static final ThreadLocal<CompletableFuture<?>> LAST_FUTURE = new ThreadLocal<>();

    private RpcContext() {
    }

    /** The future of this thread's last asynchronous call, removed as it is returned. */
    @SuppressWarnings("unchecked")
    public static <T> CompletableFuture<T> takeFuture() {
        CompletableFuture<?> f = LAST_FUTURE.get();
        LAST_FUTURE.remove();
        if (f == null) {
            throw new IllegalStateException("no asynchronous call was made on this thread");
        }
        return (CompletableFuture<T>) f;
    }

    /** Set by the proxy of an asynchronous reference. */
    public static void putFuture(CompletableFuture<?> future) {
        LAST_FUTURE.set(future);
    }
}
