package dev.ferry.cluster.support;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.cluster.ClusterOptions;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Dubbo's {@code failback}: one attempt; when the call itself fails, the caller gets the return
 * type's empty value at once and the call is queued to be retried in the background, on another
 * instance where there is one, every {@link ClusterOptions#FAILBACK_PERIOD} (5 s) up to
 * {@link ClusterOptions#FAILBACK_RETRIES} (3) times. The queue is bounded by
 * {@link ClusterOptions#FAILBACK_TASKS} (100) per reference: a failed call that finds it full is
 * logged and dropped. For notifications that must eventually arrive.
 *
 * <p>Retries run on one timer wheel shared by every reference (Dubbo starts a thread per
 * reference), each retry re-lists the directory so it sees instances that came back, and a
 * reference that is closed cancels its pending retries.
 */
@Extension("failback")
public final class FailbackCluster implements Cluster {

    private static final Logger log = LoggerFactory.getLogger(FailbackCluster.class);
    private static final TimerWheel WHEEL = new TimerWheel("ferry-failback", 100, TimeUnit.MILLISECONDS, 512);

    private final ExtensionRegistry extensions;

    public FailbackCluster() {
        this(ExtensionRegistry.shared());
    }

    public FailbackCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new FailbackInvoker(directory, extensions);
    }

    /** The invoker of one reference, with its queue of calls waiting for a retry. */
    static final class FailbackInvoker extends AbstractClusterInvoker {
        private final Set<Retry> pending = ConcurrentHashMap.newKeySet();

        FailbackInvoker(Directory directory, ExtensionRegistry extensions) {
            super("failback", directory, extensions);
        }

        /** Failed calls waiting for their next retry. */
        int pendingRetries() {
            return pending.size();
        }

        @Override
        protected CompletableFuture<Result> doInvoke(Invocation invocation) {
            CompletableFuture<Result> f;
            Endpoint[] target = new Endpoint[1];
            try {
                Invoker chosen = loadBalance(invocation).select(directory.list(invocation), invocation);
                target[0] = chosen.endpoint();
                f = call(chosen, invocation);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return f.handle((r, e) -> {
                if (e == null) {
                    return r;
                }
                log.warn("failback: {} failed ({}); answering with an empty value and retrying in the background",
                        RpcInvocation.describe(invocation), unwrap(e).toString());
                enqueue(invocation, target[0]);
                return Result.value(EmptyValues.of(invocation.returnType()));
            });
        }

        private void enqueue(Invocation invocation, Endpoint last) {
            int retries = positive(invocation.options().get(ClusterOptions.FAILBACK_RETRIES), ClusterOptions.FAILBACK_RETRIES.defaultValue(), 0);
            if (retries == 0 || !isAvailable()) {
                return;
            }
            int capacity = positive(invocation.options().get(ClusterOptions.FAILBACK_TASKS), ClusterOptions.FAILBACK_TASKS.defaultValue(), 1);
            Retry retry = new Retry(invocation, retries, period(invocation), last);
            // Bounded: size check and add are not atomic, so the bound may be passed by a few racing calls at most.
            if (pending.size() >= capacity) {
                log.error("failback: dropped {}: {} failed call(s) already wait for a retry (failback.tasks)",
                        RpcInvocation.describe(invocation), pending.size());
                return;
            }
            pending.add(retry);
            retry.schedule();
        }

        @Override
        protected void onClose() {
            for (Retry r : pending) {
                r.cancel();
            }
            pending.clear();
        }

        private static Duration period(Invocation invocation) {
            Duration d = invocation.options().get(ClusterOptions.FAILBACK_PERIOD);
            return d == null || d.isNegative() || d.isZero() ? ClusterOptions.FAILBACK_PERIOD.defaultValue() : d;
        }

        private static int positive(Integer value, int fallback, int min) {
            return value == null || value < min ? fallback : value;
        }

        /** One failed call and its retries so far. */
        private final class Retry implements Runnable {
            private final Invocation invocation;
            private final int retries;
            private final Duration period;
            private volatile Endpoint last;
            private volatile int made;
            private volatile TimerWheel.Task task;

            Retry(Invocation invocation, int retries, Duration period, Endpoint last) {
                this.invocation = invocation;
                this.retries = retries;
                this.period = period;
                this.last = last;
            }

            void schedule() {
                task = WHEEL.schedule(this, period.toNanos());
            }

            void cancel() {
                TimerWheel.Task t = task;
                if (t != null) {
                    t.cancel();
                }
            }

            @Override
            public void run() {
                made++;
                CompletableFuture<Result> f;
                try {
                    Invoker chosen = select(loadBalance(invocation), directory.list(invocation), invocation,
                            last == null ? Set.of() : Set.of(last));
                    last = chosen.endpoint();
                    f = call(chosen, invocation);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((r, e) -> {
                    if (e == null) {
                        pending.remove(this);
                        log.info("failback: retry {} of {} delivered {}", made, retries, RpcInvocation.describe(invocation));
                    } else if (made >= retries || !isAvailable()) {
                        pending.remove(this);
                        log.error("failback: gave up on {} after {} retries: {}", RpcInvocation.describe(invocation), made,
                                unwrap(e).toString());
                    } else {
                        log.warn("failback: retry {} of {} of {} failed: {}", made, retries, RpcInvocation.describe(invocation),
                                unwrap(e).toString());
                        schedule();
                    }
                });
            }
        }
    }
}
