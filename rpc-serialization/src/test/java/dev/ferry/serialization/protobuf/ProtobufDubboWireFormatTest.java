package dev.ferry.serialization.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.MessageLite;
import com.google.protobuf.StringValue;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.protobuf.test.DubboAttachmentMap;
import dev.ferry.serialization.protobuf.test.DubboStackTraceElement;
import dev.ferry.serialization.protobuf.test.DubboThrowable;
import dev.ferry.serialization.protobuf.test.OrderRequest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static dev.ferry.serialization.protobuf.Proto.ALLOWLIST;
import static dev.ferry.serialization.protobuf.Proto.read;
import static dev.ferry.serialization.protobuf.Proto.sampleRequest;
import static dev.ferry.serialization.protobuf.Proto.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The bytes of Apache Dubbo's protobuf serialization (dubbo-serialization-protobuf, not part of
 * the Dubbo 3.3 artifact this build has): each value length-delimited; writeUTF a StringValue;
 * writeByte and writeInt an Int32Value; the attachments map its own message with typed values in
 * an Any; an exception its own message; a heartbeat the string "H". The expected bytes are made
 * here with protobuf-java the way Dubbo makes them.
 */
class ProtobufDubboWireFormatTest {

    private static byte[] delimited(MessageLite... messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MessageLite message : messages) {
            message.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }

    /** An attachment value as Dubbo types it: the Java class name, then the wrapper, both delimited. */
    private static Any dubboTyped(String className, MessageLite wrapper) throws IOException {
        return Any.newBuilder().setValue(ByteString.copyFrom(delimited(StringValue.of(className), wrapper))).build();
    }

    @Test
    void frameValuesAndMessagesAreDelimitedMessages() throws IOException {
        OrderRequest request = sampleRequest();
        byte[] ferry = write(out -> {
            out.writeUTF("2.0.2");
            out.writeUTF("dev.ferry.OrderService");
            out.writeByte((byte) 4);
            out.writeInt(-70_000);
            out.writeObject(request);
        });
        byte[] dubbo = delimited(StringValue.of("2.0.2"), StringValue.of("dev.ferry.OrderService"),
                Int32Value.of(4), Int32Value.of(-70_000), request);
        assertArrayEquals(dubbo, ferry);
    }

    @Test
    void heartbeatIsTheStringH() throws IOException {
        byte[] dubbo = delimited(StringValue.of("H"));
        assertArrayEquals(dubbo, write(out -> out.writeObject(null)));
        assertNull(read(dubbo, ALLOWLIST).readObject());
    }

    @Test
    void ferryAttachmentsParseAsDubbos() throws IOException {
        Map<String, Object> attachments = new HashMap<>();
        attachments.put("path", "svc");
        attachments.put("timeout", 3000);
        attachments.put("id", 7L);
        attachments.put("none", null);
        byte[] ferry = write(out -> out.writeObject(attachments));
        DubboAttachmentMap map = DubboAttachmentMap.parseDelimitedFrom(new ByteArrayInputStream(ferry));
        assertEquals(Map.of("path", "svc", "timeout", "3000", "id", "7", "none", "null"), map.getAttachmentsMap());
        assertEquals(dubboTyped("java.lang.String", StringValue.of("svc")), map.getAttachmentsV2Map().get("path"));
        assertEquals(dubboTyped("java.lang.Integer", Int32Value.of(3000)), map.getAttachmentsV2Map().get("timeout"));
        assertEquals(dubboTyped("java.lang.Long", Int64Value.of(7L)), map.getAttachmentsV2Map().get("id"));
        assertEquals(dubboTyped("null", Empty.getDefaultInstance()), map.getAttachmentsV2Map().get("none"));
    }

    @Test
    void ferryReadsDubboAttachmentsOldAndNew() throws IOException {
        DubboAttachmentMap map = DubboAttachmentMap.newBuilder()
                .putAttachments("path", "svc")
                .putAttachments("timeout", "3000")
                .putAttachments("legacy", "only as text")
                .putAttachmentsV2("path", dubboTyped("java.lang.String", StringValue.of("svc")))
                .putAttachmentsV2("timeout", dubboTyped("java.lang.Integer", Int32Value.of(3000)))
                .build();
        Object back = read(delimited(map), ALLOWLIST).readObject(Map.class, Map.class);
        assertEquals(Map.of("path", "svc", "timeout", 3000, "legacy", "only as text"), back);
    }

    @Test
    void exceptionsHaveDubbosShape() throws IOException {
        IllegalStateException thrown = new IllegalStateException("outer", new IllegalArgumentException("inner"));
        byte[] ferry = write(out -> out.writeObject(thrown));
        DubboThrowable parsed = DubboThrowable.parseDelimitedFrom(new ByteArrayInputStream(ferry));
        assertEquals("java.lang.IllegalStateException", parsed.getOriginalClassName());
        assertEquals("outer", parsed.getOriginalMessage());
        assertEquals(thrown.getStackTrace().length, parsed.getStackTraceCount());
        assertEquals(thrown.getStackTrace()[0].getMethodName(), parsed.getStackTrace(0).getMethodName());
        assertEquals("java.lang.IllegalArgumentException", parsed.getCause().getOriginalClassName());

        DubboThrowable fromDubbo = DubboThrowable.newBuilder()
                .setOriginalClassName("java.lang.UnsupportedOperationException")
                .setOriginalMessage("nope")
                .addStackTrace(DubboStackTraceElement.newBuilder().setClassName("a.B").setMethodName("m").setLineNumber(3))
                .build();
        Throwable back = (Throwable) read(delimited(fromDubbo), ALLOWLIST).readObject(Throwable.class, Throwable.class);
        assertEquals("nope", assertInstanceOf(UnsupportedOperationException.class, back).getMessage());
        assertEquals(new StackTraceElement("a.B", "m", null, 3), back.getStackTrace()[0]);
    }

    @Test
    void readingFollowsTheSameShapes() throws IOException {
        InputStream bytes = new ByteArrayInputStream(delimited(StringValue.of("2.0.2"), Int32Value.of(9), sampleRequest()));
        ObjectInput in = Proto.PROTOBUF.deserialize(bytes, ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals(9, in.readByte());
        assertEquals(sampleRequest(), in.readObject(OrderRequest.class, OrderRequest.class));
    }
}
