package dev.ferry.core.codec;

import dev.ferry.api.CallOptions;
import dev.ferry.api.spi.ClassAllowlist;

/**
 * Per-call options the {@link DubboCodec} reads from an invocation: a reference sets them (see
 * {@code ReferenceConfig.Builder}), and the codec sets {@link #PAYLOAD_LIMIT} on a decoded
 * request to the limit of the service it is for, so its reply is held to the same limit.
 */
public final class CodecOptions {

    /**
     * Largest body of this call's request and of its reply, in bytes; null (the default) leaves
     * only the codec's own limit, which also applies when it is lower.
     */
    public static final CallOptions.Key<Integer> PAYLOAD_LIMIT = CallOptions.Key.of("payloadLimit", null);

    /**
     * The classes this call's reply may instantiate, replacing the transport's allowlist for the
     * interface; null (the default) means the transport's. A reference that allows extra classes
     * sets it to its interface's types plus those.
     */
    public static final CallOptions.Key<ClassAllowlist> REPLY_ALLOWLIST = CallOptions.Key.of("replyAllowlist", null);

    /**
     * False on a decoded request whose caller speaks a Dubbo version older than 2.0.2: its
     * reply then uses the response types without attachments (0–2), which such a caller reads.
     */
    public static final CallOptions.Key<Boolean> RESPONSE_ATTACHMENTS = CallOptions.Key.of("responseAttachments", Boolean.TRUE);

    private CodecOptions() {
    }
}
