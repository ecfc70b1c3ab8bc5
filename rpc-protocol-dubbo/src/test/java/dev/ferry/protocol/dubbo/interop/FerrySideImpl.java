package dev.ferry.protocol.dubbo.interop;

import dev.ferry.api.Result;
import dev.ferry.api.spi.Filter;

import java.util.concurrent.CompletableFuture;

/**
 * The Ferry provider's implementation. Ferry hands attachments to filters, not to the
 * implementation, so {@link #ATTACHMENT_ECHO} answers {@link #attachment}.
 */
public class FerrySideImpl extends InteropServiceImpl {

    /** Answers {@code attachment(key)} from the request's attachments and echoes it back as one. */
    public static final Filter ATTACHMENT_ECHO = (invocation, next) -> {
        if (!invocation.methodName().equals("attachment")) {
            return next.invoke(invocation);
        }
        Object key = invocation.arguments()[0];
        Object value = invocation.attachments().get(String.valueOf(key));
        Result result = Result.value(value);
        if (value != null) {
            result.attachments().put("echo-" + key, value);
        }
        return CompletableFuture.completedFuture(result);
    };

    @Override
    public String attachment(String key) {
        throw new UnsupportedOperationException("answered by ATTACHMENT_ECHO");
    }
}
