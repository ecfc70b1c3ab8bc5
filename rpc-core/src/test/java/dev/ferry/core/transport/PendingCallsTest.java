package dev.ferry.core.transport;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Response;
import dev.ferry.core.invocation.RpcInvocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingCallsTest {

    private static final Endpoint PROVIDER = new Endpoint("dubbo", "10.0.0.7", 20880);
    private final PendingCalls calls = new PendingCalls(name -> className -> false);

    private static RpcInvocation call(Duration timeout) {
        return new RpcInvocation(new ServiceKey("demo.Greeter", "", ""), "hello", new Class<?>[0], new Object[0],
                String.class, new HashMap<>(), CallOptions.DEFAULT.with(CallOptions.TIMEOUT, timeout));
    }

    @Test
    void aReplyCompletesItsCallOnce() throws Exception {
        long id = PendingCalls.nextId();
        RpcInvocation inv = call(Duration.ofSeconds(30));
        CompletableFuture<Result> f = calls.register(id, inv, PROVIDER);
        assertSame(inv, calls.invocation(id));
        assertTrue(calls.complete(Response.ok(id, (byte) 2, Result.value("hi"))));
        assertEquals("hi", f.get().value());
        assertFalse(calls.complete(Response.ok(id, (byte) 2, Result.value("again"))), "nobody waits any more");
        assertEquals(0, calls.size());
        assertNull(calls.invocation(id));
    }

    @Test
    void anErrorReplyFailsItsCallWithTheStatusCode() {
        long id = PendingCalls.nextId();
        CompletableFuture<Result> f = calls.register(id, call(Duration.ofSeconds(30)), PROVIDER);
        calls.complete(Response.error(id, (byte) 2, RpcException.Code.SERVICE_NOT_FOUND, "no such service"));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        RpcException cause = assertInstanceOf(RpcException.class, e.getCause());
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, cause.code());
        assertTrue(cause.getMessage().contains("demo.Greeter#hello") && cause.getMessage().contains("no such service"),
                cause.getMessage());
    }

    @Test
    void aCallWithoutAReplyTimesOutNamingCallAndProvider() {
        long id = PendingCalls.nextId();
        CompletableFuture<Result> f = calls.register(id, call(Duration.ofMillis(30)), PROVIDER);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        RpcException cause = assertInstanceOf(RpcException.class, e.getCause());
        assertEquals(RpcException.Code.CLIENT_TIMEOUT, cause.code());
        assertTrue(cause.getMessage().contains("10.0.0.7:20880"), cause.getMessage());
        assertFalse(calls.complete(Response.ok(id, (byte) 2, Result.value("late"))), "a late reply finds nobody");
    }

    @Test
    void failAllFailsEveryWaitingCallAsChannelInactive() {
        CompletableFuture<Result> a = calls.register(PendingCalls.nextId(), call(Duration.ofSeconds(30)), PROVIDER);
        CompletableFuture<Result> b = calls.register(PendingCalls.nextId(), call(Duration.ofSeconds(30)), PROVIDER);
        calls.failAll("connection closed");
        for (CompletableFuture<Result> f : new CompletableFuture[] {a, b}) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertEquals(RpcException.Code.CHANNEL_INACTIVE, ((RpcException) e.getCause()).code());
            assertTrue(e.getCause().getMessage().endsWith("connection closed"));
        }
        assertEquals(0, calls.size());
    }

    @Test
    void failingAnUnknownCallChangesNothing() {
        assertFalse(calls.fail(-1, new RpcException(RpcException.Code.CLIENT_ERROR, "x")));
        assertFalse(calls.complete(Response.ok(-1, (byte) 2, Result.value(null))));
    }
}
