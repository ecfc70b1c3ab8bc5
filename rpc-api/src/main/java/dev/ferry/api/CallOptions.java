package dev.ferry.api;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-call options with typed keys, immutable. A reference's configuration supplies the
 * defaults; a caller or a filter may derive a changed copy with {@link #with(Key, Object)}.
 *
 * <pre>{@code
 * CallOptions o = CallOptions.DEFAULT.with(CallOptions.TIMEOUT, Duration.ofSeconds(2));
 * Duration t = o.get(CallOptions.TIMEOUT);
 * }</pre>
 */
public final class CallOptions {

    /** How long the caller waits for the reply; also the deadline carried with the request. */
    public static final Key<Duration> TIMEOUT = Key.of("timeout", Duration.ofSeconds(3));
    /** Extra attempts after the first (failover). */
    public static final Key<Integer> RETRIES = Key.of("retries", 2);
    /** Cluster strategy name. */
    public static final Key<String> CLUSTER = Key.of("cluster", "failover");
    /** Load balancer name. */
    public static final Key<String> LOAD_BALANCE = Key.of("loadbalance", "random");
    /** Serialization name used to write the request. */
    public static final Key<String> SERIALIZATION = Key.of("serialization", "hessian2");
    /** Routing tag; empty means untagged. */
    public static final Key<String> TAG = Key.of("tag", "");
    /** True for a call whose caller wants no reply. */
    public static final Key<Boolean> ONEWAY = Key.of("oneway", Boolean.FALSE);

    /** Options with every key at its default. */
    public static final CallOptions DEFAULT = new CallOptions(new IdentityHashMap<>());

    private final Map<Key<?>, Object> values;

    private CallOptions(Map<Key<?>, Object> values) {
        this.values = values;
    }

    /** The value of {@code key}, or its default when unset. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        Object v = values.get(key);
        return v == null ? key.defaultValue() : (T) v;
    }

    /** A copy with {@code key} set to {@code value}; a null value resets it to its default. */
    public <T> CallOptions with(Key<T> key, T value) {
        Map<Key<?>, Object> copy = new IdentityHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new CallOptions(copy);
    }

    /** Convenience for {@code get(TIMEOUT)}. */
    public Duration timeout() {
        return get(TIMEOUT);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CallOptions{");
        values.forEach((k, v) -> sb.append(k.name()).append('=').append(v).append(", "));
        if (!values.isEmpty()) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }

    /**
     * A typed option key, compared by identity. Extensions declare their own keys as
     * constants.
     *
     * @param <T> the value type
     */
    public static final class Key<T> {
        private final String name;
        private final T defaultValue;

        private Key(String name, T defaultValue) {
            this.name = Objects.requireNonNull(name, "name");
            this.defaultValue = defaultValue;
        }

        /** A new key; {@code defaultValue} may be null. */
        public static <T> Key<T> of(String name, T defaultValue) {
            return new Key<>(name, defaultValue);
        }

        public String name() {
            return name;
        }

        public T defaultValue() {
            return defaultValue;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
