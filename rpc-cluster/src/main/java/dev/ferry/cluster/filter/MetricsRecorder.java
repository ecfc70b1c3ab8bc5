package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Side;
import dev.ferry.cluster.stats.CallMetrics;

import java.util.concurrent.CompletableFuture;

/** Times one call through {@code next} into {@link CallMetrics}; shared by the consumer and provider filters. */
final class MetricsRecorder {

    private MetricsRecorder() {
    }

    static CompletableFuture<Result> record(CallMetrics metrics, Side side, Invocation invocation, Invoker next) {
        CallMetrics.Method m = metrics.of(side, invocation.serviceKey(), invocation.methodName());
        long start = System.nanoTime();
        CompletableFuture<Result> f;
        try {
            f = next.invoke(invocation);
        } catch (RuntimeException | Error e) {
            m.record(CallMetrics.Outcome.FAILURE, (System.nanoTime() - start) / 1000);
            throw e;
        }
        if (f == null) {
            return null;
        }
        return f.whenComplete((r, e) -> m.record(e != null ? CallMetrics.Outcome.FAILURE
                : r.hasException() ? CallMetrics.Outcome.SERVICE_EXCEPTION : CallMetrics.Outcome.VALUE,
                (System.nanoTime() - start) / 1000));
    }
}
