package dev.ferry.protocol.dubbo;

import dev.ferry.core.codec.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Splits a byte stream into whole Dubbo frames (header and body, as one {@link ByteBuf}) and
 * checks what can be checked before any body byte is buffered: the magic and the declared
 * body length. Netty accumulates only bytes that actually arrived, and a frame is emitted once
 * it is complete, so at most {@code payloadLimit + 16} bytes are ever held for one frame —
 * nothing is allocated from an untrusted length.
 *
 * <ul>
 *   <li>Bad magic: nothing after it can be trusted; the connection is closed.</li>
 *   <li>A negative length: likewise closed.</li>
 *   <li>A length over the limit, with a readable header: an {@link OversizedFrame} goes
 *       up the pipeline (so the handler can answer or fail the call by id) and the body is
 *       skipped as it arrives, leaving the connection usable for the frames that follow.</li>
 * </ul>
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final int payloadLimit;
    private long bytesToDiscard;
    private boolean broken;

    FrameDecoder(int payloadLimit) {
        this.payloadLimit = payloadLimit;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (bytesToDiscard > 0) {
            int skip = (int) Math.min(bytesToDiscard, in.readableBytes());
            in.skipBytes(skip);
            bytesToDiscard -= skip;
            if (bytesToDiscard > 0) {
                return;
            }
        }
        int start = in.readerIndex();
        // Check the magic as soon as its two bytes are here, not after a whole header.
        if (in.readableBytes() >= 1 && in.getByte(start) != FrameHeader.MAGIC_HIGH
                || in.readableBytes() >= 2 && in.getByte(start + 1) != FrameHeader.MAGIC_LOW) {
            fail(ctx, in, String.format("bad magic 0x%02x%02x (expected 0xdabb)", in.getByte(start),
                    in.readableBytes() >= 2 ? in.getByte(start + 1) : 0));
            return;
        }
        if (in.readableBytes() < FrameHeader.LENGTH) {
            return;
        }
        int length = in.getInt(start + FrameHeader.LENGTH_OFFSET);
        if (length < 0) {
            fail(ctx, in, "negative body length " + length);
            return;
        }
        byte flag = in.getByte(start + 2);
        long id = in.getLong(start + 4);
        if (length > payloadLimit) {
            in.skipBytes(FrameHeader.LENGTH);
            int skip = (int) Math.min(length, in.readableBytes());
            in.skipBytes(skip);
            bytesToDiscard = (long) length - skip;
            out.add(new OversizedFrame(id, flag, length, payloadLimit));
            return;
        }
        int frameLength = FrameHeader.LENGTH + length;
        if (in.readableBytes() < frameLength) {
            return;
        }
        out.add(in.retainedSlice(start, frameLength));
        in.skipBytes(frameLength);
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
        broken = true;
        in.skipBytes(in.readableBytes());
        log.warn("closing connection {}: {}", ctx.channel(), why);
        ctx.close();
    }

    /**
     * The header of a frame whose declared body exceeds the payload limit; the body itself is
     * skipped unread.
     */
    record OversizedFrame(long id, byte flag, int length, int limit) {

        boolean request() {
            return (flag & FrameHeader.FLAG_REQUEST) != 0;
        }

        boolean twoWay() {
            return request() && (flag & FrameHeader.FLAG_TWO_WAY) != 0;
        }

        boolean event() {
            return (flag & FrameHeader.FLAG_EVENT) != 0;
        }

        byte serializationId() {
            return (byte) (flag & FrameHeader.SERIALIZATION_MASK);
        }

        String describe() {
            return "body length " + length + " exceeds the payload limit of " + limit + " bytes";
        }
    }
}
