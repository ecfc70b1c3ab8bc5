package dev.ferry.core.cluster;

import dev.ferry.api.Endpoint;

import java.time.Duration;

/**
 * An instance's effective weight, as every weighted load balancer reads it: the
 * {@link Endpoint#WEIGHT} parameter (100 when absent or malformed), reduced while the instance
 * warms up, as in Apache Dubbo.
 *
 * <p>Warm-up: when the endpoint carries {@link #TIMESTAMP} (the provider's start, epoch
 * milliseconds, as Dubbo's registry URLs do), an instance that has been up for {@code uptime}
 * out of a {@link #WARMUP} period (10 minutes when absent) gets
 * {@code uptime / (warmup / weight)}, at least 1 and at most its weight. A start time in the
 * future counts as just started.
 */
public final class Weights {

    /** Weight of an instance that names none (Dubbo's default). */
    public static final int DEFAULT_WEIGHT = 100;
    /** Warm-up period when an instance names none (Dubbo's default). */
    public static final Duration DEFAULT_WARMUP = Duration.ofMinutes(10);
    /** Endpoint parameter: the provider's start time, epoch milliseconds. */
    public static final String TIMESTAMP = "timestamp";
    /** Endpoint parameter: the provider's warm-up period in milliseconds. */
    public static final String WARMUP = "warmup";

    private Weights() {
    }

    /** The weight of {@code endpoint} at {@code nowMillis} (epoch milliseconds), warm-up included. */
    public static int of(Endpoint endpoint, long nowMillis) {
        int weight = configured(endpoint);
        if (weight <= 0) {
            return 0;
        }
        long started = number(endpoint.parameters().get(TIMESTAMP), 0L);
        if (started <= 0) {
            return weight;
        }
        long warmup = number(endpoint.parameters().get(WARMUP), DEFAULT_WARMUP.toMillis());
        long uptime = nowMillis - started;
        if (uptime < 0) {
            return 1;
        }
        return uptime < warmup ? warmupWeight(uptime, warmup, weight) : weight;
    }

    /** The configured weight of {@code endpoint}, before warm-up; never negative. */
    public static int configured(Endpoint endpoint) {
        long w = number(endpoint.parameters().get(Endpoint.WEIGHT), DEFAULT_WEIGHT);
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, w));
    }

    /** Dubbo's ramp: {@code uptime / (warmup / weight)}, clamped to {@code 1..weight}. */
    public static int warmupWeight(long uptime, long warmup, int weight) {
        if (warmup <= 0) {
            return weight;
        }
        long ramped = (long) (uptime / ((double) warmup / weight));
        return (int) Math.max(1, Math.min(ramped, weight));
    }

    private static long number(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
