package dev.ferry.cluster;

import dev.ferry.api.CallOptions;
import dev.ferry.api.CallOptions.Key;
import dev.ferry.cluster.filter.RateLimit;

import java.time.Duration;
import java.util.List;

/**
 * Typed per-call options of the cluster strategies, load balancers, routers and filters in this
 * module. Set them on a reference with {@code ReferenceConfig.Builder.option(key, value)}; every
 * default is Apache Dubbo's where Dubbo has one.
 */
public final class ClusterOptions {

    /** {@code forking}: how many instances a call is sent to at once; 0 or less means all. Default 2. */
    public static final Key<Integer> FORKS = CallOptions.Key.of("forks", 2);

    /**
     * {@code broadcast}: the share of failed instances, in percent (0..100), at which the
     * broadcast stops calling the remaining ones. Default 100: every instance is called.
     * 0 stops at the first failure.
     */
    public static final Key<Integer> BROADCAST_FAIL_PERCENT = CallOptions.Key.of("broadcast.fail.percent", 100);

    /**
     * {@code mergeable}: the merger, by name ({@code list}, {@code set}, {@code map},
     * {@code array}, {@code and}, {@code or}, {@code sum}, {@code max}, {@code min} or a
     * user's {@code Merger} extension); {@code auto} (the default) picks one by the method's
     * return type; {@code .name} calls the method {@code name} of the first result with each
     * other result (Dubbo's {@code merger=".addAll"}).
     */
    public static final Key<String> MERGER = CallOptions.Key.of("merger", "auto");

    /** {@code consistenthash}: indexes of the arguments hashed to pick an instance. Default the first. */
    public static final Key<List<Integer>> HASH_ARGUMENTS = CallOptions.Key.of("hash.arguments", List.of(0));

    /** {@code consistenthash}: virtual nodes per instance on the ring. Default 160. */
    public static final Key<Integer> HASH_NODES = CallOptions.Key.of("hash.nodes", 160);

    /** {@code failback}: how many times a failed call is retried in the background. Default 3. */
    public static final Key<Integer> FAILBACK_RETRIES = CallOptions.Key.of("failback.retries", 3);

    /** {@code failback}: the time between two background retries of a failed call. Default 5 s. */
    public static final Key<Duration> FAILBACK_PERIOD = CallOptions.Key.of("failback.period", Duration.ofSeconds(5));

    /** {@code failback}: how many failed calls may wait for a retry at once; more are dropped. Default 100. */
    public static final Key<Integer> FAILBACK_TASKS = CallOptions.Key.of("failback.tasks", 100);

    /**
     * {@code tag} router: when true, a tagged call reaches only instances with its tag and fails
     * when there is none, instead of falling back to untagged instances. Default false. The
     * attachment {@code dubbo.force.tag} set to {@code true} does the same, as in Dubbo.
     */
    public static final Key<Boolean> FORCE_TAG = CallOptions.Key.of("tag.force", Boolean.FALSE);

    /** {@code shortestresponse}: how far back response times count. Default 30 s, at most 60 s. */
    public static final Key<Duration> SLIDE_WINDOW = CallOptions.Key.of("shortestresponse.slidePeriod", Duration.ofSeconds(30));

    /**
     * {@code ratelimit} filter: the token bucket applied per service method, when the filter is
     * named on a reference and no limit is configured on the filter itself. Default none.
     */
    public static final Key<RateLimit> RATE_LIMIT = CallOptions.Key.of("ratelimit", null);

    /**
     * {@code concurrency} filter: calls of one method that may be in flight at once, per
     * instance, when the filter is named on a reference and no limit is configured on the
     * filter itself (Dubbo's {@code actives}, but refusing at once instead of waiting).
     * 0 or less means no limit, the default.
     */
    public static final Key<Integer> CONCURRENCY_LIMIT = CallOptions.Key.of("concurrency", 0);

    private ClusterOptions() {
    }
}
