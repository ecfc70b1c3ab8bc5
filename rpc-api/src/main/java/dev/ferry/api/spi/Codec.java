package dev.ferry.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns {@link Message}s into frames and back. One codec serves both transports: a Dubbo TCP
 * connection carries its frames back to back, a RocketMQ message carries one frame as its
 * body, so a stored message decodes like a packet.
 */
public interface Codec {

    /** Writes one whole frame (header and body). */
    void encode(Message message, OutputStream out) throws IOException;

    /**
     * Reads one whole frame from {@code in}, which holds exactly that frame.
     *
     * @throws CodecException for any malformed or refused input
     */
    Message decode(InputStream in, DecodeContext context) throws IOException;
}
