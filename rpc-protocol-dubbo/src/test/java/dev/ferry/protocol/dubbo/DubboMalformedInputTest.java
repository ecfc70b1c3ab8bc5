package dev.ferry.protocol.dubbo;

import dev.ferry.api.RpcException;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.api.spi.Exporter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.FrameHeader;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.Serializations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile and broken bytes against a live server, written with a plain socket: each case gets
 * a clear answer or a closed connection, and the server goes on serving real calls.
 */
@Timeout(20)
class DubboMalformedInputTest {

    private static final byte HESSIAN2 = 2;
    private static final int TWO_WAY_REQUEST = FrameHeader.FLAG_REQUEST | FrameHeader.FLAG_TWO_WAY;

    private final DubboCodec codec = new DubboCodec(Serializations.load(), DubboCodec.DEFAULT_PAYLOAD_LIMIT);
    private FerryBootstrap provider;
    private FerryBootstrap consumer;
    private Exporter exporter;
    private GreeterImpl impl;

    @BeforeEach
    void start() {
        impl = new GreeterImpl();
        provider = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback().build())).build();
        exporter = provider.export(impl).get(0);
        consumer = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback().build())).build();
    }

    @AfterEach
    void stop() {
        impl.release.countDown();
        if (consumer != null) {
            consumer.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", exporter.endpoint().port());
        s.setSoTimeout(3000);
        return s;
    }

    private void assertServerStillServes() {
        Greeter g = consumer.refer(ReferenceConfig.builder(Greeter.class).url(exporter.endpoint()).retries(0)
                .timeout(Duration.ofSeconds(3)).build());
        assertEquals("hello still", g.greet(new Person("still", 1)).getText());
    }

    @Test
    void badMagicClosesTheConnection() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(new byte[]{0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0, 0, 0, 0, 0, 0});
            s.getOutputStream().flush();
            assertClosed(s.getInputStream());
        }
        assertServerStillServes();
    }

    @Test
    void oversizedDeclaredLengthIsRefusedBeforeBuffering() throws IOException {
        try (Socket s = connect()) {
            // 1 GiB declared; only the header is sent, so an answer proves nothing was awaited.
            s.getOutputStream().write(header(TWO_WAY_REQUEST | HESSIAN2, 77L, 1 << 30));
            s.getOutputStream().flush();
            byte[] reply = readHeader(s.getInputStream());
            assertNotNull(reply, "a readable header earns an answer, not just a closed connection");
            assertEquals(RpcException.Code.BAD_REQUEST.status(), reply[3]);
            assertEquals(77L, ByteBuffer.wrap(reply, 4, 8).getLong());
            assertEquals(0, reply[2] & FrameHeader.FLAG_REQUEST, "a response");
        }
        assertServerStillServes();
    }

    @Test
    void negativeDeclaredLengthClosesTheConnection() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(header(TWO_WAY_REQUEST | HESSIAN2, 78L, -5));
            s.getOutputStream().flush();
            assertClosed(s.getInputStream());
        }
        assertServerStillServes();
    }

    @Test
    void garbageBodyWithValidHeaderIsAnsweredWithBadRequest() throws IOException {
        byte[] garbage = new byte[64];
        new Random(42).nextBytes(garbage);
        try (Socket s = connect()) {
            s.getOutputStream().write(frame(TWO_WAY_REQUEST | HESSIAN2, 99L, garbage));
            s.getOutputStream().flush();
            Response r = readResponse(s.getInputStream());
            assertEquals(99L, r.id());
            assertEquals(RpcException.Code.BAD_REQUEST.status(), r.status());
            assertFalse(r.errorMessage().isEmpty());

            // The same connection still takes a well-formed frame.
            writeMessage(s, Request.heartbeat(100L, HESSIAN2));
            Response beat = readResponse(s.getInputStream());
            assertEquals(100L, beat.id());
            assertTrue(beat.event());
        }
        assertServerStillServes();
    }

    @Test
    void unknownSerializationIsAnsweredWithBadRequest() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(frame(TWO_WAY_REQUEST | 31, 55L, new byte[]{1, 2, 3}));
            s.getOutputStream().flush();
            byte[] reply = readHeader(s.getInputStream());
            assertNotNull(reply, "answered, not closed");
            assertEquals(RpcException.Code.BAD_REQUEST.status(), reply[3]);
            assertEquals(55L, ByteBuffer.wrap(reply, 4, 8).getLong());
        }
        assertServerStillServes();
    }

    @Test
    void onewayGarbageGetsNoAnswerAndTheConnectionStaysOpen() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(frame(FrameHeader.FLAG_REQUEST | HESSIAN2, 60L, new byte[]{(byte) 0xff, 0x00}));
            writeMessage(s, Request.heartbeat(61L, HESSIAN2));
            Response beat = readResponse(s.getInputStream());
            assertEquals(61L, beat.id(), "the first answer is the heartbeat's: the oneway frame got none");
        }
        assertServerStillServes();
    }

    @Test
    void heartbeatIsAnswered() throws IOException {
        try (Socket s = connect()) {
            writeMessage(s, Request.heartbeat(7L, HESSIAN2));
            Response r = readResponse(s.getInputStream());
            assertEquals(7L, r.id());
            assertTrue(r.event());
            assertTrue(r.isOk());
        }
    }

    @Test
    void silentConnectionIsClosedAfterThreeHeartbeatIntervals() throws IOException {
        FerryBootstrap strict = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolTest.loopback()
                .heartbeatInterval(Duration.ofMillis(100)).build())).build();
        try {
            Exporter e = strict.export(new GreeterImpl()).get(0);
            try (Socket s = new Socket("127.0.0.1", e.endpoint().port())) {
                s.setSoTimeout(3000);
                long start = System.nanoTime();
                assertClosed(s.getInputStream());
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMs >= 250, "closed only after three silent intervals, took " + tookMs + " ms");
            }
        } finally {
            strict.close();
        }
    }

    @Test
    void truncatedFrameThenDisconnectLeavesTheServerServing() throws IOException {
        try (Socket s = connect()) {
            byte[] h = header(TWO_WAY_REQUEST | HESSIAN2, 5L, 100);
            s.getOutputStream().write(h);
            s.getOutputStream().write(new byte[10]);
            s.getOutputStream().flush();
        }
        assertServerStillServes();
    }

    @Test
    void framesSplitAcrossWritesAreReassembled() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(Request.heartbeat(9L, HESSIAN2), out);
        byte[] bytes = out.toByteArray();
        try (Socket s = connect()) {
            s.setTcpNoDelay(true);
            for (byte b : bytes) {
                s.getOutputStream().write(b);
                s.getOutputStream().flush();
                Thread.sleep(2);
            }
            assertEquals(9L, readResponse(s.getInputStream()).id());
        }
    }

    // ------------------------------------------------------------------ helpers

    private void writeMessage(Socket s, Message m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(m, out);
        s.getOutputStream().write(out.toByteArray());
        s.getOutputStream().flush();
    }

    private Response readResponse(InputStream in) throws IOException {
        byte[] h = readHeader(in);
        assertNotNull(h, "the server closed the connection instead of answering");
        int length = ByteBuffer.wrap(h, FrameHeader.LENGTH_OFFSET, 4).getInt();
        assertTrue(length >= 0 && length < 1 << 20, "sane reply length " + length);
        byte[] body = new byte[length];
        new DataInputStream(in).readFully(body);
        byte[] whole = new byte[h.length + length];
        System.arraycopy(h, 0, whole, 0, h.length);
        System.arraycopy(body, 0, whole, h.length, length);
        Message m = codec.decode(new ByteArrayInputStream(whole), new PendingCalls(name -> className -> false));
        return assertInstanceOf(Response.class, m);
    }

    /** The 16 header bytes of the next frame, or null when the peer closed first. */
    private static byte[] readHeader(InputStream in) throws IOException {
        byte[] h = new byte[FrameHeader.LENGTH];
        try {
            new DataInputStream(in).readFully(h);
        } catch (EOFException | SocketException closed) {
            return null;
        }
        assertArrayEquals(new byte[]{FrameHeader.MAGIC_HIGH, FrameHeader.MAGIC_LOW}, new byte[]{h[0], h[1]});
        return h;
    }

    private static void assertClosed(InputStream in) throws IOException {
        try {
            assertEquals(-1, in.read(), "the server should close the connection");
        } catch (SocketException reset) {
            // A reset is a close too.
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open");
        }
    }

    private static byte[] header(int flag, long id, int length) {
        return ByteBuffer.allocate(FrameHeader.LENGTH).put(FrameHeader.MAGIC_HIGH).put(FrameHeader.MAGIC_LOW)
                .put((byte) flag).put((byte) 0).putLong(id).putInt(length).array();
    }

    private static byte[] frame(int flag, long id, byte[] body) {
        return ByteBuffer.allocate(FrameHeader.LENGTH + body.length).put(header(flag, id, body.length)).put(body).array();
    }
}
