package dev.ferry.core.codec;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.TestServices.Greeter;
import dev.ferry.core.TestServices.GreeterImpl;
import dev.ferry.core.TestServices.GreetingException;
import dev.ferry.core.TestServices.User;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DubboCodecTest {

    private static final byte HESSIAN2 = 2;
    private static final ServiceKey KEY = new ServiceKey(Greeter.class.getName(), "blue", "1.0");

    private final Serializations serializations = Serializations.load();
    private final DubboCodec codec = new DubboCodec(serializations, 64 * 1024);
    private ExportedServices provider;
    private PendingCalls consumer;

    @BeforeEach
    void setUp() {
        provider = new ExportedServices(serializations);
        provider.add(new ServiceInvoker(Greeter.class, KEY, new GreeterImpl()), new ExportOptions(List.of("hessian2"), "", 100));
        consumer = new PendingCalls(name -> DefaultClassAllowlist.builder().allowTypesOf(Greeter.class).build());
    }

    private byte[] encode(Message m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(m, out);
        return out.toByteArray();
    }

    private static Invocation call(String method, Class<?>[] types, Object... args) {
        return new RpcInvocation(KEY, method, types, args, String.class, new java.util.HashMap<>(Map.of("trace", "t-1")),
                CallOptions.DEFAULT.with(CallOptions.TIMEOUT, Duration.ofMillis(1500)));
    }

    @Test
    void headerFollowsTheDubboLayout() throws IOException {
        byte[] frame = encode(Request.call(0x0102030405060708L, HESSIAN2, true, call("hello", new Class<?>[]{String.class}, "x")));
        assertEquals((byte) 0xda, frame[0]);
        assertEquals((byte) 0xbb, frame[1]);
        assertEquals((byte) (0x80 | 0x40 | 2), frame[2]);
        assertArrayEquals(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, java.util.Arrays.copyOfRange(frame, 4, 12));
        assertEquals(frame.length - 16, DubboCodec.getInt(frame, 12));
    }

    @Test
    void arrayFormsWriteTheStreamFormsBytesUnderTheSameLimits() throws IOException {
        Request request = Request.call(9, HESSIAN2, true, call("hello", new Class<?>[]{String.class}, "x"));
        assertArrayEquals(encode(request), codec.encode(request));
        Request decoded = (Request) codec.decode(new ByteArrayInputStream(codec.encode(request)), provider);
        Response reply = Response.ok(9, HESSIAN2, Result.value("hi"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeReply(reply, decoded.invocation(), out);
        assertArrayEquals(out.toByteArray(), codec.encodeReply(reply, decoded.invocation()));

        Invocation big = call("hello", new Class<?>[]{String.class}, "x".repeat(70 * 1024));
        CodecException e = assertThrows(CodecException.class, () -> codec.encode(Request.call(10, HESSIAN2, true, big)));
        assertTrue(e.getMessage().contains("exceeds the payload limit"), e.getMessage());
        byte[] refused = codec.encodeReply(Response.ok(9, HESSIAN2, Result.value("y".repeat(70 * 1024))),
                decoded.invocation());
        assertEquals(Code.SERVER_ERROR.status(), refused[3], "an over-limit reply becomes an error reply");
        assertThrows(NullPointerException.class, () -> codec.encode((Message) null));
    }

    @Test
    void aRequestOnAStreamThatCannotMarkDecodesAlike() throws IOException {
        byte[] frame = encode(Request.call(11, HESSIAN2, true, call("find", new Class<?>[]{long.class}, 42L)));
        java.io.InputStream unmarkable = new java.io.FilterInputStream(new ByteArrayInputStream(frame)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
        Request r = assertInstanceOf(Request.class, codec.decode(unmarkable, provider));
        assertArrayEquals(new Object[]{42L}, r.invocation().arguments());
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 3);
        java.io.InputStream shortStream = new java.io.FilterInputStream(new ByteArrayInputStream(truncated)) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(shortStream, provider));
        assertEquals(Code.BAD_REQUEST, e.code());
    }

    @Test
    void requestRoundTripKeepsKeyArgumentsAttachmentsAndTimeout() throws IOException {
        Invocation sent = call("find", new Class<?>[]{long.class}, 42L);
        Message m = codec.decode(new ByteArrayInputStream(encode(Request.call(7, HESSIAN2, true, sent))), provider);
        Request r = assertInstanceOf(Request.class, m);
        assertEquals(7, r.id());
        assertTrue(r.twoWay());
        Invocation got = r.invocation();
        assertEquals(KEY, got.serviceKey());
        assertEquals("find", got.methodName());
        assertArrayEquals(new Object[]{42L}, got.arguments());
        assertEquals(Map.of("trace", "t-1"), got.attachments());
        assertEquals(Duration.ofMillis(1500), got.options().timeout());
    }

    @Test
    void eachCallCarriesTheDescriptorOfItsOwnParameterTypes() throws IOException {
        Class<?>[] oneString = {String.class};
        Class<?>[] twoInts = {int.class, int.class};
        for (int round = 0; round < 3; round++) {
            // Arrays reused across calls (as a proxy passes them) and new ones per call.
            for (Invocation sent : List.of(call("hello", oneString, "x"), call("add", twoInts, 1, 2),
                    call("hello", new Class<?>[]{String.class}, "y"), call("find", new Class<?>[]{long.class}, 3L))) {
                Request r = assertInstanceOf(Request.class,
                        codec.decode(new ByteArrayInputStream(encode(Request.call(round, HESSIAN2, true, sent))), provider));
                assertEquals(sent.methodName(), r.invocation().methodName());
                assertArrayEquals(sent.parameterTypes(), r.invocation().parameterTypes());
                assertArrayEquals(sent.arguments(), r.invocation().arguments());
            }
        }
    }

    @Test
    void responseRoundTripsValueNullExceptionAndAttachments() throws IOException {
        List<Result> results = new ArrayList<>();
        results.add(Result.value(new User(1, "ada")));
        results.add(Result.value(null));
        results.add(Result.exception(new GreetingException("nope")));
        for (Result sent : results) {
            sent.attachments().put("k", "v");
            long id = PendingCalls.nextId();
            consumer.register(id, new RpcInvocation(KEY, "find", new Class<?>[]{long.class}, new Object[]{1L},
                    User.class, null, CallOptions.DEFAULT), dev.ferry.api.Endpoint.parse("dubbo://h:1"));
            Response r = assertInstanceOf(Response.class,
                    codec.decode(new ByteArrayInputStream(encode(Response.ok(id, HESSIAN2, sent))), consumer));
            assertEquals(Response.OK, r.status());
            assertEquals("v", r.result().attachments().get("k"));
            if (sent.hasException()) {
                assertInstanceOf(GreetingException.class, r.result().exception());
                assertEquals("nope", r.result().exception().getMessage());
            } else {
                assertEquals(sent.value(), r.result().value());
            }
        }
    }

    @Test
    void errorResponseAndHeartbeatsRoundTrip() throws IOException {
        Response err = assertInstanceOf(Response.class, codec.decode(new ByteArrayInputStream(
                encode(Response.error(9, HESSIAN2, Code.SERVICE_NOT_FOUND, "no such service"))), consumer));
        assertEquals(60, err.status());
        assertEquals("no such service", err.errorMessage());
        Request hb = assertInstanceOf(Request.class, codec.decode(new ByteArrayInputStream(encode(Request.heartbeat(3, HESSIAN2))), provider));
        assertTrue(hb.event());
        assertNull(hb.eventData());
        Response hbr = assertInstanceOf(Response.class, codec.decode(new ByteArrayInputStream(encode(Response.event(3, HESSIAN2))), consumer));
        assertTrue(hbr.event());
    }

    @Test
    void unknownServiceOrMethodIsRefusedWithItsRequestId() throws IOException {
        Invocation wrong = new RpcInvocation(new ServiceKey("no.Such", "", ""), "x", new Class<?>[0], null, String.class, null, null);
        CodecException e = assertThrows(CodecException.class,
                () -> codec.decode(new ByteArrayInputStream(encode(Request.call(11, HESSIAN2, true, wrong))), provider));
        assertEquals(Code.SERVICE_NOT_FOUND, e.code());
        assertEquals(11, e.requestId());
        assertTrue(e.twoWay());
        Invocation noMethod = call("missing", new Class<?>[0]);
        e = assertThrows(CodecException.class,
                () -> codec.decode(new ByteArrayInputStream(encode(Request.call(12, HESSIAN2, true, noMethod))), provider));
        assertEquals(Code.SERVICE_NOT_FOUND, e.code());
    }

    @Test
    void malformedHeadersAreRefusedBeforeReadingTheBody() throws IOException {
        byte[] good = encode(Request.call(5, HESSIAN2, true, call("hello", new Class<?>[]{String.class}, "x")));
        byte[] badMagic = good.clone();
        badMagic[0] = 0x12;
        assertEquals(CodecException.UNKNOWN_ID, assertThrows(CodecException.class,
                () -> codec.decode(new ByteArrayInputStream(badMagic), provider)).requestId());
        assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(new byte[5]), provider));
        byte[] huge = good.clone();
        DubboCodec.putInt(huge, 12, Integer.MAX_VALUE);
        CodecException tooBig = assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(huge), provider));
        assertEquals(Code.BAD_REQUEST, tooBig.code());
        assertEquals(5, tooBig.requestId());
        byte[] negative = good.clone();
        DubboCodec.putInt(negative, 12, -1);
        assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(negative), provider));
        byte[] unknownSerialization = good.clone();
        unknownSerialization[2] = (byte) (0x80 | 0x40 | 31);
        assertTrue(assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(unknownSerialization), provider))
                .getMessage().contains("serialization id 31"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertEquals(Code.BAD_REQUEST, assertThrows(CodecException.class,
                () -> codec.decode(new ByteArrayInputStream(truncated), provider)).code());
    }

    @Test
    void oversizedBodyIsRefusedWhenEncoding() {
        char[] big = new char[70 * 1024];
        java.util.Arrays.fill(big, 'x');
        CodecException e = assertThrows(CodecException.class,
                () -> encode(Request.call(1, HESSIAN2, true, call("hello", new Class<?>[]{String.class}, new String(big)))));
        assertTrue(e.getMessage().contains("payload limit"), e.getMessage());
    }

    @Test
    void lateResponseIsRefusedNotGuessed() throws IOException {
        byte[] frame = encode(Response.ok(999_999, HESSIAN2, Result.value("late")));
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(new ByteArrayInputStream(frame), consumer));
        assertEquals(999_999, e.requestId());
    }

    /**
     * Seeded mutations of requests and replies in every serialization, decoded by a provider that
     * accepts them all and a consumer waiting for the replies: every outcome is a message or the
     * codec's own error, within a generous deadline (no hang, no exhaustion).
     */
    @Test
    void mutatedFramesInEverySerializationFailOnlyWithCodecException() throws IOException {
        ExportedServices all = new ExportedServices(serializations);
        all.add(new ServiceInvoker(Greeter.class, KEY, new GreeterImpl()),
                new ExportOptions(List.of("hessian2", "fastjson2", "protobuf", "java"), "", 100));
        List<byte[]> requests = new ArrayList<>();
        List<byte[]> replies = new ArrayList<>();
        long replyId = PendingCalls.nextId();
        consumer.register(replyId, new RpcInvocation(KEY, "find", new Class<?>[]{long.class}, new Object[]{1L},
                User.class, null, CallOptions.DEFAULT.with(CallOptions.SERIALIZATION, "java")
                        .with(CallOptions.TIMEOUT, Duration.ofMinutes(5))), dev.ferry.api.Endpoint.parse("dubbo://h:1"));
        for (String name : List.of("hessian2", "fastjson2", "protobuf", "java")) {
            byte id = serializations.byName(name).id();
            requests.add(encode(Request.call(1, id, true, call("hello", new Class<?>[]{String.class}, "fuzz"))));
            requests.add(encode(Request.call(2, id, true, call("add", new Class<?>[]{int.class, int.class}, 1, 2))));
            requests.add(encode(Request.heartbeat(3, id)));
            if (!name.equals("protobuf")) {
                replies.add(encode(Response.ok(replyId, id, Result.value(new User(7, "ada")))));
                replies.add(encode(Response.ok(replyId, id, Result.exception(new GreetingException("nope")))));
            }
            replies.add(encode(Response.error(replyId, id, Code.SERVICE_ERROR, "failed")));
        }
        Random random = new Random(20261122L);
        int[] decoded = new int[1];
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            for (int i = 0; i < 6_000; i++) {
                boolean request = random.nextBoolean();
                List<byte[]> seeds = request ? requests : replies;
                byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
                for (int m = 1 + random.nextInt(4); m > 0; m--) {
                    int pos = 16 + random.nextInt(Math.max(1, frame.length - 16));
                    if (pos < frame.length) {
                        frame[pos] = (byte) random.nextInt(256);
                    }
                }
                try {
                    codec.decode(new ByteArrayInputStream(frame), request ? all : consumer);
                    decoded[0]++;
                } catch (CodecException expected) {
                    // the only acceptable failure
                }
            }
        });
        consumer.fail(replyId, new dev.ferry.api.RpcException(Code.CLIENT_ERROR, "test over"));
        assertTrue(decoded[0] > 0, "some mutations leave a valid frame");
    }

    /** Seeded mutations of valid frames: every outcome is a message or the codec's own error. */
    @Test
    void mutatedFramesFailOnlyWithCodecException() throws IOException {
        List<byte[]> seeds = List.of(
                encode(Request.call(1, HESSIAN2, true, call("hello", new Class<?>[]{String.class}, "fuzz"))),
                encode(Request.call(2, HESSIAN2, true, call("add", new Class<?>[]{int.class, int.class}, 1, 2))),
                encode(Request.heartbeat(3, HESSIAN2)));
        Random random = new Random(20261121L);
        int decoded = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int pos = 16 + random.nextInt(Math.max(1, frame.length - 16));
                if (pos < frame.length) {
                    frame[pos] = (byte) random.nextInt(256);
                }
            }
            try {
                codec.decode(new ByteArrayInputStream(frame), provider);
                decoded++;
            } catch (CodecException expected) {
                // the only acceptable failure
            }
        }
        assertTrue(decoded > 0, "some mutations leave a valid frame");
    }

    @Test
    void responseAttachmentsFollowDubbosVersionRule() {
        assertTrue(DubboCodec.supportsResponseAttachments("2.0.2"));
        assertTrue(DubboCodec.supportsResponseAttachments("2.0.99"));
        assertTrue(!DubboCodec.supportsResponseAttachments("2.9.9"), "above the highest protocol version, 2.0.99");
        assertTrue(!DubboCodec.supportsResponseAttachments("2.0.1"));
        assertTrue(!DubboCodec.supportsResponseAttachments("2.0.0"));
        assertTrue(!DubboCodec.supportsResponseAttachments(""));
        assertTrue(!DubboCodec.supportsResponseAttachments(null));
        assertTrue(!DubboCodec.supportsResponseAttachments("3.3.2"));
        assertTrue(!DubboCodec.supportsResponseAttachments("garbage"));
        assertTrue(!DubboCodec.supportsResponseAttachments("99999999999.1.1"));
    }

    @Test
    void oldCallerGetsAReplyWithoutAttachmentsAndVersionZeroMeansNone() throws IOException {
        // A request as a 2.0.0 caller writes it, for version "0.0.0".
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        dev.ferry.api.spi.ObjectOutput o = serializations.byId(HESSIAN2).serialize(body);
        o.writeUTF("2.0.0");
        o.writeUTF(Greeter.class.getName());
        o.writeUTF("0.0.0");
        o.writeUTF("hello");
        o.writeUTF("Ljava/lang/String;");
        o.writeObject("old");
        o.writeObject(new java.util.HashMap<>(Map.of("group", "blue")));
        o.flush();
        byte[] frame = twoWayRequestFrame(77, body.toByteArray());
        ExportedServices unversioned = new ExportedServices(serializations);
        unversioned.add(new ServiceInvoker(Greeter.class, new ServiceKey(Greeter.class.getName(), "blue", ""), new GreeterImpl()),
                new ExportOptions(List.of("hessian2"), "", 100));
        Request r = assertInstanceOf(Request.class, codec.decode(new ByteArrayInputStream(frame), unversioned));
        assertEquals("", r.invocation().serviceKey().version());
        Result value = Result.value("hi");
        value.attachments().put("k", "v");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeReply(Response.ok(77, HESSIAN2, value), r.invocation(), out);
        byte[] reply = out.toByteArray();
        dev.ferry.api.spi.ObjectInput in = serializations.byId(HESSIAN2).deserialize(
                new ByteArrayInputStream(reply, 16, reply.length - 16), DefaultClassAllowlist.builder().build());
        assertEquals(1, in.readByte(), "RESPONSE_VALUE, without attachments");
        assertEquals("hi", in.readObject(String.class, String.class));
        assertThrows(IOException.class, () -> in.readObject(Map.class, Map.class), "nothing follows the value");
    }

    /** A request for {@code hello("x")} of the versionless Greeter whose attachments are {@code attachments}. */
    private byte[] requestWithAttachments(Object attachments) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        dev.ferry.api.spi.ObjectOutput o = serializations.byId(HESSIAN2).serialize(body);
        o.writeUTF(DubboCodec.DUBBO_VERSION);
        o.writeUTF(Greeter.class.getName());
        o.writeUTF("1.0");
        o.writeUTF("hello");
        o.writeUTF("Ljava/lang/String;");
        o.writeObject("x");
        o.writeObject(attachments);
        o.flush();
        return twoWayRequestFrame(78, body.toByteArray());
    }

    /** A two-way hessian2 request frame with request id {@code id} around {@code payload}. */
    private static byte[] twoWayRequestFrame(long id, byte[] payload) {
        byte[] frame = new byte[16 + payload.length];
        frame[0] = (byte) 0xda;
        frame[1] = (byte) 0xbb;
        frame[2] = (byte) (0x80 | 0x40 | HESSIAN2);
        DubboCodec.putLong(frame, 4, id);
        DubboCodec.putInt(frame, 12, payload.length);
        System.arraycopy(payload, 0, frame, 16, payload.length);
        return frame;
    }

    @Test
    void attachmentsThatAreNotAMapOfStringKeysAreRefusedWithTheRequestId() throws IOException {
        Map<Object, Object> numberKey = new java.util.HashMap<>(Map.of("group", "blue", 7, "seven"));
        for (Object bad : List.of(numberKey, "not a map", List.of("group", "blue"))) {
            CodecException e = assertThrows(CodecException.class,
                    () -> codec.decode(new ByteArrayInputStream(requestWithAttachments(bad)), provider), bad.toString());
            assertEquals(Code.BAD_REQUEST, e.code());
            assertEquals(78, e.requestId());
        }
        // A map type other than HashMap is taken as a plain map of its entries.
        Map<String, Object> sorted = new java.util.TreeMap<>(Map.of("group", "blue", "trace", "t-9"));
        Request r = assertInstanceOf(Request.class,
                codec.decode(new ByteArrayInputStream(requestWithAttachments(sorted)), provider));
        assertEquals(Map.of("trace", "t-9"), r.invocation().attachments());
        assertEquals(java.util.HashMap.class, r.invocation().attachments().getClass());
    }
}
