package dev.ferry.registry.zookeeper;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a generous functional deadline passes. */
final class Await {

    /** Long enough for a busy shared machine; a healthy run takes milliseconds. */
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition);
    }

    static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            sleep(20);
        }
    }

    /** Waits until {@code value} gives something equal to {@code expected}; the failure shows the last value. */
    static <T> void equal(String what, T expected, Supplier<T> value) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        T last = value.get();
        while (!expected.equals(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE + ": " + what + "; expected " + expected + " but was " + last);
            }
            sleep(20);
            last = value.get();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
