package dev.ferry.cluster.stats;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counters of one method at one provider instance: calls in flight, totals, a sliding window of
 * successful response times (one-second buckets over the last minute) and a peak-sensitive
 * moving average of response times that decays while the instance is not called.
 *
 * <p>A call is recorded with {@link #begin()} when it is sent and {@link #end(long, boolean)}
 * when it completes.
 */
public final class MethodStats {

    /** The longest window {@link #averageSucceededNanos(Duration)} can look back over. */
    public static final Duration MAX_WINDOW = Duration.ofSeconds(60);

    private static final long BUCKET_NANOS = 1_000_000_000L;
    private static final int BUCKETS = (int) (MAX_WINDOW.toNanos() / BUCKET_NANOS);
    // Time constant of the moving average: a sample's influence halves in about 7 s.
    private static final double DECAY_NANOS = 10_000_000_000d;
    // What a failed call counts as in the moving average, at least: a fast refusal is no sign of speed.
    private static final long FAILURE_PENALTY_NANOS = 1_000_000_000L;

    private final LongSupplier clock;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong succeededElapsed = new AtomicLong();
    private final AtomicLong maxElapsed = new AtomicLong();

    // Guarded by this: the window's buckets and the moving average.
    private final long[] bucketIndex = new long[BUCKETS];
    private final long[] bucketCount = new long[BUCKETS];
    private final long[] bucketElapsed = new long[BUCKETS];
    private double ewma;
    private long ewmaAt;

    MethodStats(LongSupplier clock) {
        this.clock = clock;
        java.util.Arrays.fill(bucketIndex, -1);
        this.ewmaAt = clock.getAsLong();
    }

    /** Records that a call starts; returns the token to hand to {@link #end}. */
    public long begin() {
        active.incrementAndGet();
        return clock.getAsLong();
    }

    /** Records that the call begun at {@code startToken} completed. */
    public void end(long startToken, boolean success) {
        long now = clock.getAsLong();
        long elapsed = Math.max(0, now - startToken);
        active.decrementAndGet();
        maxElapsed.accumulateAndGet(elapsed, Math::max);
        if (success) {
            succeeded.incrementAndGet();
            succeededElapsed.addAndGet(elapsed);
        } else {
            failed.incrementAndGet();
        }
        synchronized (this) {
            if (success) {
                long index = Math.floorDiv(now, BUCKET_NANOS);
                int slot = (int) Math.floorMod(index, (long) BUCKETS);
                if (bucketIndex[slot] != index) {
                    bucketIndex[slot] = index;
                    bucketCount[slot] = 0;
                    bucketElapsed[slot] = 0;
                }
                bucketCount[slot]++;
                bucketElapsed[slot] += elapsed;
            }
            double sample = success ? elapsed : Math.max(elapsed, FAILURE_PENALTY_NANOS);
            // Peak-sensitive (as Finagle's PeakEWMA): a slower sample takes over at once, faster
            // ones blend in by how much time passed since the last one.
            double w = Math.exp(-elapsedSince(now) / DECAY_NANOS);
            ewma = sample > ewma ? sample : ewma * w + sample * (1 - w);
            ewmaAt = now;
        }
    }

    /** Calls sent and not yet completed. */
    public int active() {
        return active.get();
    }

    /** Calls that completed with a result (a value or the service's own exception). */
    public long succeeded() {
        return succeeded.get();
    }

    /** Calls that failed in the transport or the framework. */
    public long failed() {
        return failed.get();
    }

    /** Sum of the response times of successful calls, in nanoseconds. */
    public long succeededElapsedNanos() {
        return succeededElapsed.get();
    }

    /** The slowest call seen, in nanoseconds. */
    public long maxElapsedNanos() {
        return maxElapsed.get();
    }

    /**
     * The average response time of the calls that succeeded within the last {@code window}
     * (whole seconds, at most {@link #MAX_WINDOW}), in nanoseconds; 0 when there was none.
     */
    public synchronized long averageSucceededNanos(Duration window) {
        long now = clock.getAsLong();
        long newest = Math.floorDiv(now, BUCKET_NANOS);
        long span = Math.max(1, Math.min(BUCKETS, (window.toNanos() + BUCKET_NANOS - 1) / BUCKET_NANOS));
        long count = 0;
        long elapsed = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long index = bucketIndex[i];
            if (index >= 0 && index > newest - span && index <= newest) {
                count += bucketCount[i];
                elapsed += bucketElapsed[i];
            }
        }
        return count == 0 ? 0 : elapsed / count;
    }

    /**
     * A peak-sensitive moving average of response times in nanoseconds (failures count as at
     * least one second), decaying towards 0 while no call completes, so an instance that was
     * slow once is tried again later.
     */
    public synchronized double latencyEwmaNanos() {
        return decayed(clock.getAsLong());
    }

    private double decayed(long now) {
        return ewma * Math.exp(-elapsedSince(now) / DECAY_NANOS);
    }

    private double elapsedSince(long now) {
        return Math.max(0, now - ewmaAt);
    }

    @Override
    public String toString() {
        return "MethodStats{active=" + active() + ", succeeded=" + succeeded() + ", failed=" + failed() + "}";
    }
}
