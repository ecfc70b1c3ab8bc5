package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.Side;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Makes the attachments a call arrived with visible to the service method through
 * {@link RpcContext#receivedAttachments()} while it runs on the serving thread, and restores
 * what was there afterwards. A method that returns a future sees them until it returns the
 * future, not on the threads that complete it. Active by default on providers.
 */
@Extension(value = "context", order = -9_000, activeOn = Side.PROVIDER)
public final class ContextFilter implements Filter {

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        Map<String, Object> previous = RpcContext.setReceivedAttachments(invocation.attachments());
        try {
            return next.invoke(invocation);
        } finally {
            RpcContext.setReceivedAttachments(previous);
        }
    }
}
