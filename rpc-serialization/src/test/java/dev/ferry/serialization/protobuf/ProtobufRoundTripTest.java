package dev.ferry.serialization.protobuf;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.protobuf.test.OrderReply;
import dev.ferry.serialization.protobuf.test.OrderRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static dev.ferry.serialization.protobuf.Proto.ALLOWLIST;
import static dev.ferry.serialization.protobuf.Proto.read;
import static dev.ferry.serialization.protobuf.Proto.sampleRequest;
import static dev.ferry.serialization.protobuf.Proto.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufRoundTripTest {

    @Test
    void idAndName() {
        assertEquals(22, Proto.PROTOBUF.id());
        assertEquals("protobuf", ProtobufSerialization.class.getAnnotation(Extension.class).value());
    }

    @Test
    void messagesWithEveryKindOfField() throws IOException {
        OrderRequest request = sampleRequest();
        OrderReply reply = OrderReply.newBuilder().setText("ok").setEcho(request).build();
        byte[] bytes = write(out -> {
            out.writeObject(request);
            out.writeObject(reply);
            out.writeObject(OrderRequest.getDefaultInstance());
        });
        ObjectInput in = read(bytes, ALLOWLIST);
        OrderRequest back = (OrderRequest) in.readObject(OrderRequest.class, OrderRequest.class);
        assertEquals(request, back);
        assertTrue(back.hasNote(), "explicit presence survives");
        assertEquals(OrderRequest.PaymentCase.IBAN, back.getPaymentCase());
        assertEquals(reply, in.readObject(OrderReply.class, OrderReply.class));
        OrderRequest empty = (OrderRequest) in.readObject(OrderRequest.class, OrderRequest.class);
        assertEquals(OrderRequest.getDefaultInstance(), empty);
        assertFalse(empty.hasNote());
    }

    @Test
    void frameValuesAndScalars() throws IOException {
        byte[] bytes = write(out -> {
            out.writeUTF("2.0.2");
            out.writeByte((byte) -3);
            out.writeInt(70_000);
            out.writeObject("text");
            out.writeObject(42L);
            out.writeObject(true);
            out.writeObject(1.5d);
            out.writeObject(2.5f);
            out.writeObject(new byte[] {1, 2});
            out.writeObject((short) -2);
            out.writeObject(-7);
        });
        ObjectInput in = read(bytes, ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals(70_000, in.readInt());
        assertEquals("text", in.readObject(String.class, String.class));
        assertEquals(42L, in.readObject(long.class, long.class));
        assertEquals(true, in.readObject(Boolean.class, Boolean.class));
        assertEquals(1.5d, in.readObject(double.class, double.class));
        assertEquals(2.5f, in.readObject(Float.class, Float.class));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) in.readObject(byte[].class, byte[].class));
        assertEquals((short) -2, in.readObject(short.class, short.class));
        assertEquals(-7, in.readObject(Integer.class, Integer.class));
    }

    @Test
    void attachmentsKeepTheirTypes() throws IOException {
        Map<String, Object> attachments = new HashMap<>();
        attachments.put("path", "dev.ferry.OrderService");
        attachments.put("timeout", 3000);
        attachments.put("big", Long.MIN_VALUE);
        attachments.put("flag", false);
        attachments.put("ratio", 0.5d);
        attachments.put("f", 0.25f);
        attachments.put("nothing", null);
        attachments.put("unicode", "é😀");
        Object back = read(write(out -> out.writeObject(attachments)), ALLOWLIST).readObject(Map.class, Map.class);
        assertEquals(attachments, back);
    }

    @Test
    void attachmentValuesProtobufCannotTypeAreRefusedWhenWritten() {
        assertThrows(IOException.class, () -> write(out -> out.writeObject(Map.of("k", new Object()))));
        assertThrows(IOException.class, () -> write(out -> out.writeObject(Map.of(1, "v"))));
    }

    @Test
    void anAllowedExceptionArrivesAsItsOwnClassWithMessageCauseAndStack() throws IOException {
        IllegalStateException thrown = new IllegalStateException("order 7 is locked",
                new IllegalArgumentException("bad id"));
        Throwable back = (Throwable) read(write(out -> out.writeObject(thrown)), ALLOWLIST)
                .readObject(Throwable.class, Throwable.class);
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, back);
        assertEquals("order 7 is locked", e.getMessage());
        assertEquals("bad id", assertInstanceOf(IllegalArgumentException.class, e.getCause()).getMessage());
        StackTraceElement sent = thrown.getStackTrace()[0];
        StackTraceElement got = e.getStackTrace()[0];
        assertEquals(sent.getClassName() + sent.getMethodName() + sent.getFileName() + sent.getLineNumber(),
                got.getClassName() + got.getMethodName() + got.getFileName() + got.getLineNumber());
        assertEquals(thrown.getStackTrace().length, e.getStackTrace().length);
    }

    @Test
    void anExceptionThatCannotBeRecreatedArrivesAsARemoteException() throws IOException {
        // BusinessException has no (String) or (String, Throwable) constructor; Gadget-like names are not allowed
        BusinessException thrown = new BusinessException("E1", "failed", new IllegalStateException("cause"));
        ClassAllowlist allowingIt = DefaultClassAllowlist.builder().allowClass(BusinessException.class).build();
        for (ClassAllowlist allowlist : new ClassAllowlist[] {ALLOWLIST, allowingIt}) {
            Throwable back = (Throwable) read(write(out -> out.writeObject(thrown)), allowlist)
                    .readObject(Throwable.class, Throwable.class);
            ProtobufRemoteException remote = assertInstanceOf(ProtobufRemoteException.class, back);
            assertEquals(BusinessException.class.getName(), remote.originalClassName());
            assertEquals("failed", remote.originalMessage());
            assertTrue(remote.getMessage().contains(BusinessException.class.getName()), remote.getMessage());
            assertEquals("cause", assertInstanceOf(IllegalStateException.class, remote.getCause()).getMessage());
        }
    }

    @Test
    void aCyclicCauseChainIsCut() throws IOException {
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);
        Throwable back = (Throwable) read(write(out -> out.writeObject(a)), ALLOWLIST).readObject(Throwable.class, Throwable.class);
        assertEquals("a", back.getMessage());
        assertEquals("b", back.getCause().getMessage());
        assertNull(back.getCause().getCause());
    }

    @Test
    void nullIsAnEventsPayloadOnly() throws IOException {
        assertNull(read(write(out -> out.writeObject(null)), ALLOWLIST).readObject());
        IOException e = assertThrows(IOException.class, () -> write(out -> {
            out.writeUTF("2.0.2");
            out.writeObject(null);
        }));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
        assertThrows(IOException.class, () -> write(out -> out.writeUTF(null)));
        // other event payloads are strings
        assertEquals("R", read(write(out -> out.writeObject("R")), ALLOWLIST).readObject());
    }

    @Test
    void onlyMessagesScalarsMapsAndExceptionsAreWritten() {
        IOException e = assertThrows(IOException.class, () -> write(out -> out.writeObject(new java.util.ArrayList<>())));
        assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
    }

    @Test
    void aMessageTypeOutsideTheAllowlistIsRefused() throws IOException {
        byte[] bytes = write(out -> out.writeObject(sampleRequest()));
        ClassRefusedException e = assertThrows(ClassRefusedException.class,
                () -> read(bytes, DefaultClassAllowlist.jdkDefaults()).readObject(OrderRequest.class, OrderRequest.class));
        assertEquals(OrderRequest.class.getName(), e.className());
    }

    @Test
    void typesProtobufCannotReadAreAnIOException() throws IOException {
        byte[] bytes = write(out -> out.writeObject(sampleRequest()));
        assertThrows(IOException.class, () -> read(bytes, name -> true).readObject(Object.class, Object.class));
        assertThrows(IOException.class, () -> read(bytes, name -> true).readObject(java.util.List.class, java.util.List.class));
    }
}
