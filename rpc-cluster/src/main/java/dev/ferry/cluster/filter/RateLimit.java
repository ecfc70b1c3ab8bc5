package dev.ferry.cluster.filter;

/**
 * A token bucket's settings: {@code permitsPerSecond} calls per second on average, and up to
 * {@code burst} at once after a quiet spell.
 *
 * @param permitsPerSecond refill rate, positive and finite
 * @param burst            bucket capacity, at least 1
 */
public record RateLimit(double permitsPerSecond, int burst) {

    public RateLimit {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permitsPerSecond must be positive and finite, was " + permitsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
    }

    /** {@code permitsPerSecond} with a burst of one second's worth (at least 1). */
    public static RateLimit perSecond(double permitsPerSecond) {
        return new RateLimit(permitsPerSecond, (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(permitsPerSecond))));
    }

    @Override
    public String toString() {
        return permitsPerSecond + " calls/s, burst " + burst;
    }
}
