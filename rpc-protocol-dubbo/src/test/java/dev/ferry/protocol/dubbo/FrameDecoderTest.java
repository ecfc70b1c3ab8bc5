package dev.ferry.protocol.dubbo;

import dev.ferry.core.codec.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frame splitting and the checks made before a body is buffered. */
class FrameDecoderTest {

    private static final int LIMIT = 64;

    private static byte[] frame(long id, int declared, int actual) {
        ByteBuffer b = ByteBuffer.allocate(FrameHeader.LENGTH + actual);
        b.put(FrameHeader.MAGIC_HIGH).put(FrameHeader.MAGIC_LOW).put((byte) 0xc2).put((byte) 0).putLong(id).putInt(declared);
        for (int i = 0; i < actual; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    @Test
    void reassemblesAFrameSplitAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
        byte[] f = frame(1, 10, 10);
        ch.writeInbound(Unpooled.wrappedBuffer(f, 0, 5));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(f, 5, 15));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(f, 20, 6));
        ByteBuf out = ch.readInbound();
        assertEquals(26, out.readableBytes());
        assertEquals(1L, out.getLong(4));
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void splitsFramesThatArriveTogether() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(1, 3, 3), frame(2, 0, 0)));
        ByteBuf a = ch.readInbound();
        ByteBuf b = ch.readInbound();
        assertEquals(1L, a.getLong(4));
        assertEquals(2L, b.getLong(4));
        assertEquals(16, b.readableBytes());
        a.release();
        b.release();
    }

    @Test
    void badMagicClosesAtTheFirstByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x16}));
        assertFalse(ch.isOpen(), "one wrong byte is enough");
        assertNull(ch.readInbound());
    }

    @Test
    void negativeLengthCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(3, -1, 0)));
        assertFalse(ch.isOpen());
    }

    @Test
    void oversizedFrameIsReportedAndItsBodySkippedAsItArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT));
        byte[] big = frame(4, 100, 40);   // 60 more body bytes still to come
        ch.writeInbound(Unpooled.wrappedBuffer(big));
        FrameDecoder.OversizedFrame o = assertInstanceOf(FrameDecoder.OversizedFrame.class, ch.readInbound());
        assertEquals(4L, o.id());
        assertTrue(o.twoWay());
        assertEquals(2, o.serializationId());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[60]), Unpooled.wrappedBuffer(frame(5, 1, 1)));
        ByteBuf next = ch.readInbound();
        assertEquals(5L, next.getLong(4), "the stream resumes at the next frame");
        next.release();
        assertTrue(ch.isOpen());
    }
}
