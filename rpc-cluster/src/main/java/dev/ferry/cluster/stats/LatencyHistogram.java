package dev.ferry.cluster.stats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of non-negative values (microseconds here): exact below 16,
 * then 16 buckets per power of two, so a reported percentile is at most 1/16 (6.25 %) above the
 * true value. Fixed size (under 8 KiB), whatever the range.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS + 1) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /** Adds one value; negative values count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(index(v));
        total.incrementAndGet();
        sum.addAndGet(v);
        max.accumulateAndGet(v, Math::max);
    }

    /** How many values were recorded. */
    public long count() {
        return total.get();
    }

    /** The largest value recorded, exactly; 0 when none. */
    public long max() {
        return max.get();
    }

    /** The mean of the values recorded; 0 when none. */
    public long mean() {
        long n = total.get();
        return n == 0 ? 0 : sum.get() / n;
    }

    /**
     * The value at quantile {@code q} (0..1]: the upper end of the bucket holding it, never above
     * the maximum; 0 when nothing was recorded.
     */
    public long percentile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], was " + q);
        }
        long n = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            n += snapshot[i];
        }
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(upper(i), max.get());
            }
        }
        return max.get();
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (exponent - SUB_BITS)) & (SUB - 1));
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value that falls into bucket {@code i}. */
    static long upper(int i) {
        if (i < SUB) {
            return i;
        }
        int exponent = i / SUB + SUB_BITS - 1;
        long sub = i % SUB;
        long width = 1L << (exponent - SUB_BITS);
        long lower = (SUB + sub) << (exponent - SUB_BITS);
        return lower + width - 1;
    }
}
