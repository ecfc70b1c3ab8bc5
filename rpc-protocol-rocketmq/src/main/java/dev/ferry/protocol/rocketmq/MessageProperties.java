package dev.ferry.protocol.rocketmq;

/**
 * User properties Ferry puts on every request message, so operators and the broker's console
 * see what a stored call is without decoding its body.
 *
 * <p>Besides these: the message <em>key</em> is the call's request key,
 * {@code <requester instance>:<request id>} — globally unique, the same for every attempt of one
 * call, indexed by the broker for {@link RocketMqAudit} and copied onto the reply; the message
 * <em>tag</em> says which providers may take the call ({@link TopicNames#UNTAGGED} or a routing
 * tag); RocketMQ's own {@code CORRELATION_ID} (one per attempt) pairs the reply with the attempt;
 * the frame's request id (one per attempt) stays in the body's header. Each property is parsed
 * and re-encoded several times on its way through the broker, so there are no more than these.
 */
public final class MessageProperties {

    /** The service key, {@code group/interface:version}. */
    public static final String SERVICE = "ferry_service";
    /** The method name. */
    public static final String METHOD = "ferry_method";
    /** Epoch milliseconds after which the caller no longer waits; providers drop the call after it. */
    public static final String DEADLINE = "ferry_deadline";
    /** The routing tag the caller asked for (absent when untagged); the message tag says where it went. */
    public static final String TAG = "ferry_tag";
    /** On a reply: the status byte of the response frame (20 = the call reached the service). */
    public static final String STATUS = "ferry_status";

    private MessageProperties() {
    }
}
