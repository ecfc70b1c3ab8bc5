package dev.ferry.registry;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry with no server: providers are known from configuration, and services registered
 * in this JVM are added to them. Subscribers hear of every change at once. Suits tests,
 * single-process deployments and fixed address lists.
 *
 * <pre>{@code
 * Registry r = StaticRegistry.builder()
 *     .add(ServiceKey.of(Greeter.class), "dubbo://10.0.0.7:20880,dubbo://10.0.0.8:20880")
 *     .build();
 * }</pre>
 */
public final class StaticRegistry implements Registry {

    private static final Logger log = LoggerFactory.getLogger(StaticRegistry.class);

    private final Map<ServiceKey, Set<Endpoint>> endpoints = new ConcurrentHashMap<>();
    private final Map<ServiceKey, List<Listener>> listeners = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private StaticRegistry() {
    }

    /** An empty registry. */
    public static StaticRegistry create() {
        return new StaticRegistry();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void register(ServiceKey key, Endpoint endpoint) {
        ensureOpen();
        boolean added;
        synchronized (this) {
            added = endpoints.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(endpoint);
        }
        if (added) {
            notify(key);
        }
    }

    @Override
    public void unregister(ServiceKey key, Endpoint endpoint) {
        boolean removed;
        synchronized (this) {
            Set<Endpoint> set = endpoints.get(key);
            removed = set != null && set.remove(endpoint);
        }
        if (removed) {
            notify(key);
        }
    }

    @Override
    public void subscribe(ServiceKey key, Listener listener) {
        ensureOpen();
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        listener.onChange(snapshot(key));
    }

    @Override
    public void unsubscribe(ServiceKey key, Listener listener) {
        List<Listener> l = listeners.get(key);
        if (l != null) {
            l.remove(listener);
        }
    }

    /** The instances of {@code key} known now. */
    public synchronized List<Endpoint> lookup(ServiceKey key) {
        return snapshot(key);
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
    }

    private synchronized List<Endpoint> snapshot(ServiceKey key) {
        Set<Endpoint> set = endpoints.get(key);
        return set == null ? List.of() : List.copyOf(new ArrayList<>(set));
    }

    private void notify(ServiceKey key) {
        List<Endpoint> now = snapshot(key);
        for (Listener l : listeners.getOrDefault(key, List.of())) {
            try {
                l.onChange(now);
            } catch (RuntimeException e) {
                // One broken subscriber must not keep the others from hearing of the change.
                log.warn("registry listener for {} failed: {}", key, e.toString());
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    /** Collects configured addresses. */
    public static final class Builder {
        private final StaticRegistry registry = new StaticRegistry();

        private Builder() {
        }

        /**
         * Adds comma-separated endpoints for {@code key}.
         *
         * @throws IllegalArgumentException naming the malformed endpoint
         */
        public Builder add(ServiceKey key, String commaSeparatedEndpoints) {
            for (String part : commaSeparatedEndpoints.split(",")) {
                if (!part.isBlank()) {
                    registry.endpoints.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(Endpoint.parse(part));
                }
            }
            return this;
        }

        public StaticRegistry build() {
            return registry;
        }
    }
}
