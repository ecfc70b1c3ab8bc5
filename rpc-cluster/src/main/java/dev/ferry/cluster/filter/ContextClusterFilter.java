package dev.ferry.cluster.filter;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Side;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the attachments put in {@link RpcContext} on the calling thread with the next call, and
 * clears them (once per call, as in Dubbo). Values the invocation already carries win. Runs
 * before routing, so {@code RpcContext.putAttachment("dubbo.tag", "gray")} routes the call.
 * Active by default on consumers.
 */
@Extension(value = "context", order = -9_000, activeOn = Side.CONSUMER)
public final class ContextClusterFilter implements ClusterFilter {

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
        Map<String, Object> outgoing = RpcContext.takeAttachments();
        if (!outgoing.isEmpty()) {
            Map<String, Object> attachments = invocation.attachments();
            outgoing.forEach(attachments::putIfAbsent);
        }
        return next.invoke(invocation);
    }
}
