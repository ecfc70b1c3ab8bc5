package dev.ferry.cluster.stats;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Side;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-method call metrics as the application sees them: on a consumer, one entry per call
 * (retries included in its time); on a provider, one per call served. Kept by the
 * {@code metrics} filters, which are active by default; read them with {@link #snapshot()}.
 */
public final class CallMetrics {

    private static final CallMetrics SHARED = new CallMetrics();

    private final ConcurrentMap<Key, Method> methods = new ConcurrentHashMap<>();

    /** The metrics the built-in filters record into. */
    public static CallMetrics shared() {
        return SHARED;
    }

    /** The live counters of one method on one side, created on first use. */
    public Method of(Side side, ServiceKey service, String method) {
        Key k = new Key(side, service, method);
        Method existing = methods.get(k);
        return existing != null ? existing : methods.computeIfAbsent(k, x -> new Method());
    }

    /** Every method's numbers, keyed {@code side service#method}, sorted. */
    public Map<String, Snapshot> snapshot() {
        Map<String, Snapshot> out = new TreeMap<>();
        methods.forEach((k, m) -> out.put(k.side.name().toLowerCase() + " " + k.service + "#" + k.method, m.snapshot()));
        return out;
    }

    /** The numbers of one method on one side, or null when it was never called. */
    public Snapshot snapshot(Side side, ServiceKey service, String method) {
        Method m = methods.get(new Key(side, service, method));
        return m == null ? null : m.snapshot();
    }

    private record Key(Side side, ServiceKey service, String method) {
    }

    /** Counters of one method: outcomes and a latency histogram in microseconds. */
    public static final class Method {
        private final AtomicLong succeeded = new AtomicLong();
        private final AtomicLong exceptions = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final LatencyHistogram latency = new LatencyHistogram();

        /** Records one call: {@code outcome} is how it ended, {@code micros} how long it took. */
        public void record(Outcome outcome, long micros) {
            switch (outcome) {
                case VALUE -> succeeded.incrementAndGet();
                case SERVICE_EXCEPTION -> exceptions.incrementAndGet();
                case FAILURE -> failed.incrementAndGet();
                default -> throw new IllegalArgumentException(String.valueOf(outcome));
            }
            latency.record(micros);
        }

        Snapshot snapshot() {
            long s = succeeded.get();
            long e = exceptions.get();
            long f = failed.get();
            return new Snapshot(s + e + f, s, e, f, latency.percentile(0.5), latency.percentile(0.9),
                    latency.percentile(0.99), latency.max(), latency.mean());
        }
    }

    /** How a call ended. */
    public enum Outcome {
        /** The service returned a value. */
        VALUE,
        /** The service threw its own exception. */
        SERVICE_EXCEPTION,
        /** The call itself failed: no provider, timeout, refused, lost. */
        FAILURE
    }

    /**
     * One method's numbers at one moment. Latencies are in microseconds; percentiles are within
     * 6.25 % above the true value.
     *
     * @param calls      every call recorded
     * @param succeeded  calls that returned a value
     * @param exceptions calls on which the service threw
     * @param failures   calls that failed in the framework or transport
     */
    public record Snapshot(long calls, long succeeded, long exceptions, long failures,
                           long p50Micros, long p90Micros, long p99Micros, long maxMicros, long meanMicros) {
    }
}
