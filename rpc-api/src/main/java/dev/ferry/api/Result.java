package dev.ferry.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The outcome of a call that reached the service: either a value or the exception the
 * service method threw, plus attachments sent back with the reply.
 *
 * <p>Failures of the framework itself (no provider, timeout, a broken frame) are not
 * results: they complete the invocation future exceptionally with an {@link RpcException}.
 * That split is what lets a cluster retry a lost call but never a business exception.
 */
public final class Result {

    private final Object value;
    private final Throwable exception;
    private final Map<String, Object> attachments;

    private Result(Object value, Throwable exception, Map<String, Object> attachments) {
        this.value = value;
        this.exception = exception;
        this.attachments = attachments;
    }

    /** A result holding {@code value} (which may be null). */
    public static Result value(Object value) {
        return new Result(value, null, new HashMap<>());
    }

    /** A result holding the exception the service method threw. */
    public static Result exception(Throwable exception) {
        if (exception == null) {
            throw new IllegalArgumentException("exception is null");
        }
        return new Result(null, exception, new HashMap<>());
    }

    /** The returned value, null when the method threw. */
    public Object value() {
        return value;
    }

    /** The exception the service method threw, or null. */
    public Throwable exception() {
        return exception;
    }

    public boolean hasException() {
        return exception != null;
    }

    /** Values sent back with the reply; mutable, never null. */
    public Map<String, Object> attachments() {
        return attachments;
    }

    /** The value, or the service's exception thrown as it was thrown on the provider. */
    public Object recreate() throws Throwable {
        if (exception != null) {
            throw exception;
        }
        return value;
    }

    @Override
    public String toString() {
        return exception != null ? "Result{exception=" + exception + "}" : "Result{value=" + value + "}";
    }
}
