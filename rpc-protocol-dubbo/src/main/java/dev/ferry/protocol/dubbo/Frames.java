package dev.ferry.protocol.dubbo;

import dev.ferry.api.spi.Codec;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.Invocation;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;

/** Moves {@link Message}s between the shared {@link Codec} and Netty buffers. */
final class Frames {

    private Frames() {
    }

    /**
     * Encodes {@code message} into a new buffer the caller owns; on failure nothing is leaked.
     *
     * @throws IOException or {@link dev.ferry.api.spi.CodecException} when the message cannot be encoded
     */
    static ByteBuf encode(Codec codec, Message message, ByteBufAllocator alloc) throws IOException {
        ByteBuf buf = alloc.buffer();
        boolean ok = false;
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            codec.encode(message, out);
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    /**
     * Encodes the reply to a decoded call under that call's own payload limit: an over-limit
     * reply becomes an error reply saying why.
     */
    static ByteBuf encodeReply(DubboCodec codec, Response reply, Invocation call, ByteBufAllocator alloc) throws IOException {
        ByteBuf buf = alloc.buffer();
        boolean ok = false;
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            codec.encodeReply(reply, call, out);
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    /** Decodes one whole frame and releases it. */
    static Message decode(Codec codec, ByteBuf frame, DecodeContext context) throws IOException {
        try (ByteBufInputStream in = new ByteBufInputStream(frame, true)) {
            return codec.decode(in, context);
        }
    }

    /** The serialization id in a frame's header. */
    static byte serializationId(ByteBuf frame) {
        return (byte) (frame.getByte(frame.readerIndex() + 2) & FrameHeader.SERIALIZATION_MASK);
    }
}
