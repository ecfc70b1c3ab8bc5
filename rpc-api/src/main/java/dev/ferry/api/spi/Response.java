package dev.ferry.api.spi;

import dev.ferry.api.Result;
import dev.ferry.api.RpcException;

/**
 * The answer to a two-way {@link Request}.
 *
 * @param id              the request's id
 * @param serializationId serialization of the body
 * @param status          {@link #OK} or an {@link RpcException.Code#status()} value
 * @param event           true when answering an event
 * @param result          the call's result when {@code status == OK} and not an event
 * @param errorMessage    what went wrong when {@code status != OK}
 */
public record Response(long id, byte serializationId, byte status, boolean event,
                       Result result, String errorMessage) implements Message {

    /** Dubbo's status for a call that reached the service (value or business exception). */
    public static final byte OK = 20;

    public Response {
        if (status == OK && !event && result == null) {
            throw new IllegalArgumentException("an OK call response needs a result");
        }
    }

    /** The response carrying a call's result. */
    public static Response ok(long id, byte serializationId, Result result) {
        return new Response(id, serializationId, OK, false, result, null);
    }

    /** The response to a heartbeat or other event. */
    public static Response event(long id, byte serializationId) {
        return new Response(id, serializationId, OK, true, null, null);
    }

    /** A failure response; the body is the error message. */
    public static Response error(long id, byte serializationId, RpcException.Code code, String message) {
        return new Response(id, serializationId, code.status(), false, null, message == null ? "" : message);
    }

    public boolean isOk() {
        return status == OK;
    }
}
