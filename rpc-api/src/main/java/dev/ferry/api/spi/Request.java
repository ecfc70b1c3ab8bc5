package dev.ferry.api.spi;

import dev.ferry.api.Invocation;

/**
 * A call, or an event, going to a provider.
 *
 * @param id              request id, unique per connection or client
 * @param serializationId serialization of the body
 * @param twoWay          false for a oneway call whose caller wants no reply
 * @param event           true for a heartbeat or other protocol event
 * @param invocation      the call; null for an event
 * @param eventData       the event's payload (null for a heartbeat); null for a call
 */
public record Request(long id, byte serializationId, boolean twoWay, boolean event,
                      Invocation invocation, Object eventData) implements Message {

    public Request {
        if (!event && invocation == null) {
            throw new IllegalArgumentException("a call request needs an invocation");
        }
    }

    /** A two-way or oneway call. */
    public static Request call(long id, byte serializationId, boolean twoWay, Invocation invocation) {
        return new Request(id, serializationId, twoWay, false, invocation, null);
    }

    /** A heartbeat that expects a heartbeat reply. */
    public static Request heartbeat(long id, byte serializationId) {
        return new Request(id, serializationId, true, true, null, null);
    }
}
