package dev.ferry.cluster.filter;

/** A token bucket refilled lazily from a nanosecond clock; starts full. */
final class TokenBucket {

    private final RateLimit limit;
    private final double tokensPerNano;
    private double tokens;
    private long refilledAt;

    TokenBucket(RateLimit limit, long nowNanos) {
        this.limit = limit;
        this.tokensPerNano = limit.permitsPerSecond() / 1e9;
        this.tokens = limit.burst();
        this.refilledAt = nowNanos;
    }

    /** Takes one token if there is one. */
    synchronized boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed * tokensPerNano);
            refilledAt = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
