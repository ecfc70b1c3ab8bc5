package dev.ferry.protocol.rocketmq;

import java.util.Optional;

/**
 * The request key of a RocketMQ call: {@code <requester instance>:<request id>}, globally
 * unique, the same for every attempt of one call. It is the request message's key (what
 * {@link RocketMqAudit} looks up) and is copied onto the reply.
 *
 * <ul>
 *   <li>Caller: {@link #lastSent()} right after a call gives the key of the last call this
 *       thread sent over RocketMQ, to log with the business operation.</li>
 *   <li>Provider: the call's attachments hold it under {@link #ATTACHMENT}, so a provider
 *       filter (or the service, through {@code RpcContext.receivedAttachment}, where the context
 *       filter is active) can log it.</li>
 * </ul>
 */
public final class RocketMqRequestKeys {

    /** The provider-side attachment holding the request key of the call being served. */
    public static final String ATTACHMENT = "ferry.request-key";

    private static final ThreadLocal<String> LAST_SENT = new ThreadLocal<>();

    private RocketMqRequestKeys() {
    }

    /** The request key of the last call this thread sent over RocketMQ, if any. */
    public static Optional<String> lastSent() {
        return Optional.ofNullable(LAST_SENT.get());
    }

    static void sent(String key) {
        LAST_SENT.set(key);
    }
}
