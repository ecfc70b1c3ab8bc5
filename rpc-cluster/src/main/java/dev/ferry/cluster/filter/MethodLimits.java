package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;

import java.util.Map;
import java.util.Objects;

/**
 * Limits configured per service interface and method, with {@code *} as any method; looked up
 * most specific first.
 */
final class MethodLimits<T> {

    private final Map<String, T> byKey;

    MethodLimits(Map<String, T> byKey) {
        this.byKey = Map.copyOf(byKey);
    }

    static String key(String interfaceName, String method) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(method, "method");
        if (interfaceName.isBlank() || method.isBlank()) {
            throw new IllegalArgumentException("interface and method must not be blank (use \"*\" for any method)");
        }
        return interfaceName + "#" + method;
    }

    /** The limit for the call, or null. */
    T find(Invocation invocation) {
        if (byKey.isEmpty()) {
            return null;
        }
        String iface = invocation.serviceKey().interfaceName();
        T exact = byKey.get(iface + "#" + invocation.methodName());
        return exact != null ? exact : byKey.get(iface + "#*");
    }

}
