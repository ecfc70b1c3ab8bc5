package dev.ferry.core.cluster;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Dubbo's default strategy: on a failure of the call itself (not a business exception), try
 * another instance, up to {@link CallOptions#RETRIES} more times. Each retry re-lists the
 * directory (so instances that left are not retried and new ones can be) and skips instances
 * already tried while others remain.
 *
 * <p>A client timeout is retried too, as in Dubbo, unless {@link #RETRY_CLIENT_TIMEOUTS} is
 * off: on a transport that stores requests (RocketMQ) the timed-out request may still run, so
 * retrying it could run the call twice.
 */
@Extension("failover")
public final class FailoverCluster implements Cluster {

    /**
     * Whether a call whose reply did not come in time ({@code CLIENT_TIMEOUT}) is retried on
     * another instance; default true (Dubbo's behaviour). Failures where the request surely did
     * not run (send failed, provider refused or dropped it past its deadline) are always retried.
     */
    public static final CallOptions.Key<Boolean> RETRY_CLIENT_TIMEOUTS = CallOptions.Key.of("failover.retryClientTimeouts", Boolean.TRUE);

    private final ExtensionRegistry extensions;

    public FailoverCluster() {
        this(ExtensionRegistry.shared());
    }

    public FailoverCluster(ExtensionRegistry extensions) {
        this.extensions = extensions;
    }

    @Override
    public Invoker join(Directory directory) {
        return new FailoverInvoker(directory, extensions);
    }

    private static final class FailoverInvoker implements Invoker {
        private final Directory directory;
        private final ExtensionRegistry extensions;
        private final Endpoint endpoint;

        FailoverInvoker(Directory directory, ExtensionRegistry extensions) {
            this.directory = directory;
            this.extensions = extensions;
            this.endpoint = new Endpoint("cluster", "failover", 0);
        }

        @Override
        public Class<?> type() {
            return directory.type();
        }

        @Override
        public ServiceKey serviceKey() {
            return directory.serviceKey();
        }

        @Override
        public Endpoint endpoint() {
            return endpoint;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            LoadBalance lb;
            try {
                lb = extensions.get(LoadBalance.class, invocation.options().get(CallOptions.LOAD_BALANCE));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new RpcException(RpcException.Code.CLIENT_ERROR, e.getMessage(), e));
            }
            int attempts = 1 + Math.max(0, invocation.options().get(CallOptions.RETRIES));
            CompletableFuture<Result> out = new CompletableFuture<>();
            // What was tried and how it failed is kept only once an attempt fails.
            attempt(invocation, lb, attempts, 1, null, null, out);
            return out;
        }

        private void attempt(Invocation inv, LoadBalance lb, int attempts, int n, Set<Endpoint> tried,
                             List<Throwable> failures, CompletableFuture<Result> out) {
            Invoker chosen;
            try {
                List<Invoker> candidates = directory.list(inv);
                List<Invoker> fresh = candidates;
                if (tried != null) {
                    fresh = new ArrayList<>(candidates.size());
                    for (Invoker i : candidates) {
                        if (!tried.contains(i.endpoint())) {
                            fresh.add(i);
                        }
                    }
                }
                chosen = lb.select(fresh.isEmpty() ? candidates : fresh, inv);
            } catch (RuntimeException e) {
                if (failures == null) {
                    out.completeExceptionally(e);
                } else {
                    // The earlier call failure is the news; that nothing else is left is a detail.
                    Throwable last = failures.get(failures.size() - 1);
                    RpcException done = exhausted(inv, attempts, n - 1, failures, last);
                    done.addSuppressed(e);
                    out.completeExceptionally(done);
                }
                return;
            }
            Invoker invoked = chosen;
            CompletableFuture<Result> f;
            try {
                f = invoked.invoke(inv);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((result, error) -> {
                if (error == null) {
                    out.complete(result);
                    return;
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                Set<Endpoint> triedNow = tried != null ? tried : new HashSet<>();
                triedNow.add(invoked.endpoint());
                List<Throwable> failuresNow = failures != null ? failures : new ArrayList<>();
                failuresNow.add(cause);
                if (n >= attempts || !retriable(cause, inv)) {
                    out.completeExceptionally(failuresNow.size() == 1 ? cause
                            : exhausted(inv, attempts, n, failuresNow, cause));
                } else {
                    attempt(inv, lb, attempts, n + 1, triedNow, failuresNow, out);
                }
            });
        }

        private static boolean retriable(Throwable t, Invocation inv) {
            // Only failures of the call are retried; anything else is a bug or a business outcome.
            if (!(t instanceof RpcException r)) {
                return false;
            }
            return r.code() != RpcException.Code.CLIENT_TIMEOUT || Boolean.TRUE.equals(inv.options().get(RETRY_CLIENT_TIMEOUTS));
        }

        private static RpcException exhausted(Invocation inv, int attempts, int made, List<Throwable> failures, Throwable last) {
            RpcException.Code code = last instanceof RpcException r ? r.code() : RpcException.Code.CLIENT_ERROR;
            RpcException e = new RpcException(code, "call " + RpcInvocation.describe(inv) + " failed after " + made
                    + " of " + attempts + " attempt(s); last failure: " + last.getMessage(), last);
            for (Throwable f : failures) {
                if (f != last) {
                    e.addSuppressed(f);
                }
            }
            return e;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void close() {
            directory.close();
        }
    }
}
