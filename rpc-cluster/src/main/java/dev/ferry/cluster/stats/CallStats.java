package dev.ferry.cluster.stats;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Live counters per provider instance and method: calls in flight, successes, failures and
 * response times. The {@code activestats} consumer filter, active by default, records every
 * call here, so {@code leastactive}, {@code shortestresponse} and {@code adaptive} work with no
 * configuration.
 *
 * <p>An instance is its protocol and address ({@code dubbo://10.0.0.7:20880}), so a weight or
 * tag change announced by a registry keeps its counters. Entries of instances that are gone can
 * be dropped with {@link #forget(Endpoint)}.
 */
public final class CallStats {

    private static final CallStats SHARED = new CallStats(System::nanoTime);

    private final LongSupplier nanoClock;
    private final ConcurrentMap<Key, MethodStats> stats = new ConcurrentHashMap<>();

    /** Counters read against {@code nanoClock} (a {@link System#nanoTime()}-like source). */
    public CallStats(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The counters every built-in filter and balancer uses unless given others. */
    public static CallStats shared() {
        return SHARED;
    }

    /** The counters of {@code method} of {@code service} at {@code endpoint}, created on first use. */
    public MethodStats of(Endpoint endpoint, ServiceKey service, String method) {
        // Read on every call: a key of the parts as they are, no text built per call.
        Key k = new Key(endpoint.protocol(), endpoint.host(), endpoint.port(), service, method);
        MethodStats existing = stats.get(k);
        return existing != null ? existing : stats.computeIfAbsent(k, x -> new MethodStats(nanoClock));
    }

    /** The counters of the call {@code invocation} on {@code invoker}. */
    public MethodStats of(Invoker invoker, Invocation invocation) {
        return of(invoker.endpoint(), invocation.serviceKey(), invocation.methodName());
    }

    /** Drops every counter of the instance at {@code endpoint}. */
    public void forget(Endpoint endpoint) {
        stats.keySet().removeIf(k -> k.protocol.equals(endpoint.protocol()) && k.host.equals(endpoint.host())
                && k.port == endpoint.port());
    }

    /** The clock the counters read, in nanoseconds. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** One method of one service at one instance ({@code protocol://host:port}). */
    private record Key(String protocol, String host, int port, ServiceKey service, String method) {
    }
}
