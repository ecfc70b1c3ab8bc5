package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code concurrency}: at most N calls of one method in flight at once; one more is refused at
 * once with {@code THREADPOOL_EXHAUSTED} and a message naming the limit (Dubbo's
 * {@code executes} on a provider, {@code actives} on a consumer, which waits instead). Counted
 * per method on a provider and per method and instance on a consumer. Active only where named.
 *
 * <p>Limits come from the filter's own configuration ({@link #builder()}, registered under this
 * name), else, on a consumer, from {@link ClusterOptions#CONCURRENCY_LIMIT}.
 */
@Extension(value = "concurrency", order = -900)
public final class ConcurrencyLimitFilter implements Filter {

    private final MethodLimits<Integer> configured;
    private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** Limits from {@link ClusterOptions#CONCURRENCY_LIMIT} only. */
    public ConcurrencyLimitFilter() {
        this(Map.of());
    }

    private ConcurrencyLimitFilter(Map<String, Integer> limits) {
        this.configured = new MethodLimits<>(limits);
    }

    /** A filter with its own per-method limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** Calls of {@code method} of {@code interfaceName} in flight now, over every instance. */
    public int inFlight(String interfaceName, String method) {
        String prefix = interfaceName + "#" + method + "@";
        return inFlight.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(e -> e.getValue().get()).sum();
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        Integer limit = configured.find(invocation);
        if (limit == null) {
            limit = invocation.options().get(ClusterOptions.CONCURRENCY_LIMIT);
        }
        if (limit == null || limit <= 0) {
            return next.invoke(invocation);
        }
        String key = invocation.serviceKey().interfaceName() + "#" + invocation.methodName() + "@" + next.endpoint().address();
        AtomicInteger counter = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
        if (counter.incrementAndGet() > limit) {
            counter.decrementAndGet();
            return CompletableFuture.failedFuture(new RpcException(RpcException.Code.THREADPOOL_EXHAUSTED,
                    "call " + RpcInvocation.describe(invocation) + " to " + next.endpoint().address()
                            + " refused: " + limit + " call(s) of this method already in flight (concurrency limit)"));
        }
        CompletableFuture<Result> f;
        try {
            f = next.invoke(invocation);
        } catch (RuntimeException | Error e) {
            counter.decrementAndGet();
            throw e;
        }
        if (f == null) {
            counter.decrementAndGet();
            return null;
        }
        return f.whenComplete((r, e) -> counter.decrementAndGet());
    }

    /** Configures a {@link ConcurrencyLimitFilter}. */
    public static final class Builder {
        private final Map<String, Integer> limits = new HashMap<>();

        private Builder() {
        }

        /** At most {@code max} calls of {@code method} ({@code "*"}: each method) of {@code interfaceName} at once. */
        public Builder limit(String interfaceName, String method, int max) {
            if (max < 1) {
                throw new IllegalArgumentException("a concurrency limit must be at least 1, was " + max);
            }
            limits.put(MethodLimits.key(interfaceName, method), max);
            return this;
        }

        /** At most {@code max} calls of {@code method} ({@code "*"}: each method) of {@code type} at once. */
        public Builder limit(Class<?> type, String method, int max) {
            return limit(type.getName(), method, max);
        }

        public ConcurrencyLimitFilter build() {
            return new ConcurrencyLimitFilter(limits);
        }
    }
}
