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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * {@code ratelimit}: a token bucket per service method; a call that finds the bucket empty is
 * refused at once with {@code THREADPOOL_EXHAUSTED} ("busy, try later": a consumer's failover
 * moves on to another instance) and a message naming the limit. Active only where named
 * ({@code filters("ratelimit")} on a service or reference).
 *
 * <p>Limits come from the filter's own configuration (build one with {@link #builder()} and
 * register it under this name, which a provider needs), else, on a consumer, from
 * {@link ClusterOptions#RATE_LIMIT}. A method with neither is not limited.
 */
@Extension(value = "ratelimit", order = -1_000)
public final class RateLimitFilter implements Filter {

    private final MethodLimits<RateLimit> configured;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** Limits from {@link ClusterOptions#RATE_LIMIT} only. */
    public RateLimitFilter() {
        this(Map.of(), System::nanoTime);
    }

    private RateLimitFilter(Map<String, RateLimit> limits, LongSupplier nanoClock) {
        this.configured = new MethodLimits<>(limits);
        this.nanoClock = nanoClock;
    }

    /** A filter with its own per-method limits. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        RateLimit limit = configured.find(invocation);
        if (limit == null) {
            limit = invocation.options().get(ClusterOptions.RATE_LIMIT);
        }
        if (limit == null) {
            return next.invoke(invocation);
        }
        RateLimit l = limit;
        long now = nanoClock.getAsLong();
        String key = invocation.serviceKey() + "#" + invocation.methodName() + "@" + l;
        TokenBucket bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(l, now));
        if (!bucket.tryAcquire(now)) {
            return CompletableFuture.failedFuture(new RpcException(RpcException.Code.THREADPOOL_EXHAUSTED,
                    "call " + RpcInvocation.describe(invocation) + " refused: rate limit of " + l + " exceeded"));
        }
        return next.invoke(invocation);
    }

    /** Configures a {@link RateLimitFilter}. */
    public static final class Builder {
        private final Map<String, RateLimit> limits = new HashMap<>();
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /** Limits {@code method} ({@code "*"}: every method) of the service interface {@code interfaceName}. */
        public Builder limit(String interfaceName, String method, RateLimit limit) {
            limits.put(MethodLimits.key(interfaceName, method), Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /** Limits {@code method} ({@code "*"}: every method) of {@code type}. */
        public Builder limit(Class<?> type, String method, RateLimit limit) {
            return limit(type.getName(), method, limit);
        }

        /** The clock buckets refill by ({@link System#nanoTime()}-like), for tests. */
        public Builder clock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public RateLimitFilter build() {
            return new RateLimitFilter(limits, nanoClock);
        }
    }
}
