package dev.ferry.serialization;

import java.io.IOException;

/**
 * How the serializations' readers report a failed read: always as an {@link IOException}, a
 * class refusal as the {@link ClassRefusedException} itself even when a library wrapped it.
 */
public final class ReadFailures {

    private ReadFailures() {
    }

    /** The class refusal somewhere in {@code t}'s causes, or null. */
    public static ClassRefusedException refusal(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClassRefusedException refused) {
                return refused;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /**
     * {@code t} as the failure of reading {@code input} (e.g. {@code "hessian2 input"}): a
     * refusal as itself, malformed bytes that made the library throw unchecked, input nested so
     * deeply that reading it overflowed the stack, and a class that fails to link all as
     * {@link IOException}s; never rethrown unchecked into the codec. Other errors are rethrown.
     */
    public static IOException translate(String input, Throwable t) {
        ClassRefusedException refused = refusal(t);
        if (refused != null) {
            return refused;
        }
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof StackOverflowError) {
            return new IOException(input + " is nested too deeply to decode");
        }
        if (t instanceof RuntimeException || t instanceof LinkageError) {
            return new IOException("malformed " + input + ": " + t, t);
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IOException(t);
    }
}
