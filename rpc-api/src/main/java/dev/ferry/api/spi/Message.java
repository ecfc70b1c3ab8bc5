package dev.ferry.api.spi;

/** One frame on the wire: a {@link Request} or a {@link Response}. */
public sealed interface Message permits Request, Response {

    /** Correlates a response with its request. */
    long id();

    /** The serialization the body is written with. */
    byte serializationId();

    /** True for a protocol event (heartbeat, read-only notice) rather than a call. */
    boolean event();
}
