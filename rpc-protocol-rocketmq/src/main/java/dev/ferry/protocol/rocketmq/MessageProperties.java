package dev.ferry.protocol.rocketmq;

/**
 * User properties Ferry puts on every request message, so operators and the broker's console
 * see what a stored call is without decoding its body.
 */
public final class MessageProperties {

    /** The service key, {@code group/interface:version}. */
    public static final String SERVICE = "ferry_service";
    /** The method name. */
    public static final String METHOD = "ferry_method";
    /** The request id inside the frame header. */
    public static final String REQUEST_ID = "ferry_request_id";
    /** Epoch milliseconds after which the caller no longer waits; providers drop the call after it. */
    public static final String DEADLINE = "ferry_deadline";

    private MessageProperties() {
    }
}
