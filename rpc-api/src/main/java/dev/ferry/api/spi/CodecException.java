package dev.ferry.api.spi;

import dev.ferry.api.RpcException;

/**
 * A frame that cannot be decoded or is refused (bad magic, over the size limit, an unknown or
 * disallowed serialization, a class outside the allowlist, a truncated body). The only
 * exception a {@link Codec} throws for bad input.
 *
 * <p>When the header was readable, {@link #requestId()} and {@link #fromRequest()} let a
 * transport answer the peer with a status instead of dropping the connection.
 */
public class CodecException extends RpcException {

    private static final long serialVersionUID = 1L;

    /** {@link #requestId()} when the header itself could not be read. */
    public static final long UNKNOWN_ID = -1L;

    private final long requestId;
    private final boolean fromRequest;
    private final boolean twoWay;

    public CodecException(Code code, String message, long requestId, boolean fromRequest, boolean twoWay, Throwable cause) {
        super(code, message, cause);
        this.requestId = requestId;
        this.fromRequest = fromRequest;
        this.twoWay = twoWay;
    }

    /** A failure to read the header: nothing about the frame can be trusted. */
    public static CodecException header(String message) {
        return new CodecException(Code.BAD_REQUEST, message, UNKNOWN_ID, false, false, null);
    }

    /** The id from the frame header, or {@link #UNKNOWN_ID}. */
    public long requestId() {
        return requestId;
    }

    /** True when the broken frame was a request. */
    public boolean fromRequest() {
        return fromRequest;
    }

    /** True when the broken frame was a request whose sender waits for a reply. */
    public boolean twoWay() {
        return twoWay;
    }
}
