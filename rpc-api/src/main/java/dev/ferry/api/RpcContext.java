package dev.ferry.api;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Per-thread call context:
 * <ul>
 *   <li>the future of the last call made through a reference declared {@code async = true}:
 *       the proxy method returns at once and the caller takes the future here, on the same
 *       thread, right after the call;</li>
 *   <li>outgoing attachments: values the next call made on this thread sends with its request
 *       (trace ids, a routing tag under {@code dubbo.tag}); they are taken by that call and
 *       then cleared, as in Apache Dubbo;</li>
 *   <li>received attachments: on a provider, the values the caller sent with the call being
 *       served, visible to the service method while it runs on this thread.</li>
 * </ul>
 */
public final class RpcContext {

    private static final ThreadLocal<CompletableFuture<?>> LAST_FUTURE = new ThreadLocal<>();
    private static final ThreadLocal<Map<String, Object>> OUTGOING = new ThreadLocal<>();
    private static final ThreadLocal<Map<String, Object>> RECEIVED = new ThreadLocal<>();

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

    /**
     * Sends {@code value} under {@code key} with the next call made on this thread; a null
     * value removes the key.
     *
     * @throws IllegalArgumentException when the key is null or blank
     */
    public static void putAttachment(String key, Object value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("attachment key is null or blank");
        }
        Map<String, Object> m = OUTGOING.get();
        if (value == null) {
            if (m != null) {
                m.remove(key);
            }
            return;
        }
        if (m == null) {
            m = new HashMap<>();
            OUTGOING.set(m);
        }
        m.put(key, value);
    }

    /** A copy of the attachments the next call made on this thread will send. */
    public static Map<String, Object> attachments() {
        Map<String, Object> m = OUTGOING.get();
        return m == null ? Map.of() : Map.copyOf(m);
    }

    /** Removes and returns this thread's outgoing attachments; called once per call by the consumer chain. */
    public static Map<String, Object> takeAttachments() {
        Map<String, Object> m = OUTGOING.get();
        if (m == null) {
            return Map.of();
        }
        // Cleared, not removed: a removed thread-local is re-created by the next call's read.
        OUTGOING.set(null);
        return m;
    }

    /** Drops this thread's outgoing attachments. */
    public static void clearAttachments() {
        OUTGOING.remove();
    }

    /** The attachments of the call this thread is serving, read-only; empty outside a call. */
    public static Map<String, Object> receivedAttachments() {
        Map<String, Object> m = RECEIVED.get();
        return m == null ? Map.of() : m;
    }

    /** One received attachment, or null. */
    public static Object receivedAttachment(String key) {
        return receivedAttachments().get(Objects.requireNonNull(key, "key"));
    }

    /**
     * Makes {@code attachments} (a read-only view of them) this thread's received attachments
     * and returns the previous ones, which the caller restores when the call is served. Set by
     * the provider chain, with the attachments of the call it serves.
     */
    public static Map<String, Object> setReceivedAttachments(Map<String, Object> attachments) {
        Map<String, Object> previous = RECEIVED.get();
        // Cleared, not removed: a removed thread-local is re-created by the next call's read.
        RECEIVED.set(attachments == null || attachments.isEmpty() ? null : Collections.unmodifiableMap(attachments));
        return previous == null ? Map.of() : previous;
    }
}
