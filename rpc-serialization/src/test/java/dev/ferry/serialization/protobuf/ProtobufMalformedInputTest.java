package dev.ferry.serialization.protobuf;

import com.google.protobuf.CodedOutputStream;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.Gadget;
import dev.ferry.serialization.protobuf.test.OrderReply;
import dev.ferry.serialization.protobuf.test.OrderRequest;
import dev.ferry.serialization.protobuf.wire.ThrowableMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.ferry.serialization.protobuf.Proto.ALLOWLIST;
import static dev.ferry.serialization.protobuf.Proto.read;
import static dev.ferry.serialization.protobuf.Proto.sampleRequest;
import static dev.ferry.serialization.protobuf.Proto.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad bytes end in an IOException: never another exception, an OutOfMemoryError or a hang. */
class ProtobufMalformedInputTest {

    private static void assertIOException(Executable read) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, read));
    }

    private static Object readRequest(byte[] bytes) throws IOException {
        return read(bytes, ALLOWLIST).readObject(OrderRequest.class, OrderRequest.class);
    }

    @Test
    void emptyAndTruncatedInput() throws IOException {
        byte[] whole = write(out -> out.writeObject(sampleRequest()));
        for (int length = 0; length < whole.length; length++) {
            byte[] prefix = Arrays.copyOf(whole, length);
            assertIOException(() -> readRequest(prefix));
        }
        assertIOException(() -> read(new byte[0], ALLOWLIST).readUTF());
        assertIOException(() -> read(new byte[0], ALLOWLIST).readInt());
        assertIOException(() -> read(new byte[0], ALLOWLIST).readObject(Map.class, Map.class));
        assertIOException(() -> read(new byte[0], ALLOWLIST).readObject(Throwable.class, Throwable.class));
    }

    @Test
    void hugeDeclaredSizesDoNotAllocate() {
        // a delimited message claiming 2 GiB, and a bytes field claiming 2 GiB inside a small message
        byte[] hugeMessage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x0a, 0x01};
        assertIOException(() -> readRequest(hugeMessage));
        byte[] hugeField = {0x07, 0x32, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertIOException(() -> readRequest(hugeField));
        byte[] negative = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f};
        assertIOException(() -> read(negative, ALLOWLIST).readUTF());
    }

    @Test
    void deepNestingIsAnIOExceptionNotAStackOverflow() throws IOException {
        byte[] nested = new byte[0];
        for (int i = 0; i < 5_000; i++) {
            ByteArrayOutputStream level = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(level);
            out.writeByteArray(4, nested); // cause = the level below
            out.flush();
            nested = level.toByteArray();
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(framed);
        out.writeUInt32NoTag(nested.length);
        out.writeRawBytes(nested);
        out.flush();
        byte[] bytes = framed.toByteArray();
        assertIOException(() -> read(bytes, ALLOWLIST).readObject(Throwable.class, Throwable.class));
    }

    @Test
    void exceptionClassNamesFromTheBytesAreNeverLoadedUnlessAllowed() throws IOException {
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        ProtobufSerialization serialization = new ProtobufSerialization(loader);
        ClassAllowlist permissive = n -> true;
        // known gadgets, whatever the allowlist says; a class the allowlist does not name
        Map<String, List<ClassAllowlist>> refused = Map.of(
                "com.sun.rowset.JdbcRowSetImpl", List.of(DefaultClassAllowlist.jdkDefaults(), permissive),
                "javax.management.BadAttributeValueExpException", List.of(DefaultClassAllowlist.jdkDefaults(), permissive),
                "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", List.of(DefaultClassAllowlist.jdkDefaults(), permissive),
                "dev.ferry.serialization.fixtures.NeverLoadedGadget", List.of(DefaultClassAllowlist.jdkDefaults()));
        refused.forEach((name, allowlists) -> {
            for (ClassAllowlist allowlist : allowlists) {
                Object back = readThrowable(serialization, name, allowlist);
                assertEquals(name, assertInstanceOf(ProtobufRemoteException.class, back).originalClassName());
            }
            assertFalse(loader.requested.contains(name), name + " was looked up: " + loader.requested);
        });
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"));
        // an allowed class that is not a Throwable is looked at, never instantiated
        int constructed = Gadget.CONSTRUCTED.get();
        Object notThrowable = readThrowable(serialization, Gadget.class.getName(), permissive);
        assertEquals(Gadget.class.getName(), assertInstanceOf(ProtobufRemoteException.class, notThrowable).originalClassName());
        assertEquals(constructed, Gadget.CONSTRUCTED.get());
        // positive control: an allowed exception class is loaded through that loader and created
        Object allowed = readThrowable(serialization, "java.lang.IllegalStateException", DefaultClassAllowlist.jdkDefaults());
        assertInstanceOf(IllegalStateException.class, allowed);
        assertTrue(loader.requested.contains("java.lang.IllegalStateException"));
    }

    private static Object readThrowable(ProtobufSerialization serialization, String className, ClassAllowlist allowlist) {
        try {
            byte[] bytes = framed(ThrowableMessage.newBuilder().setOriginalClassName(className).setOriginalMessage("x").build());
            return serialization.deserialize(new ByteArrayInputStream(bytes), allowlist).readObject(Throwable.class, Throwable.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMessageOfAnotherTypeIsNotMistakenForTheExpectedOne() throws IOException {
        // protobuf parses foreign bytes leniently; what matters is that it ends in a value or an IOException
        byte[] reply = write(out -> out.writeObject(OrderReply.newBuilder().setText("x").build()));
        try {
            Object value = readRequest(reply);
            assertInstanceOf(OrderRequest.class, value);
        } catch (IOException expected) {
            // fine
        }
    }

    @Test
    void randomGarbageAndMutations() throws IOException {
        List<byte[]> seeds = List.of(
                write(out -> out.writeObject(sampleRequest())),
                write(out -> out.writeObject(Map.of("path", "svc", "timeout", 3000))),
                write(out -> out.writeObject(new IllegalStateException("x", new IllegalArgumentException("y")))),
                write(out -> {
                    out.writeUTF("2.0.2");
                    out.writeInt(7);
                }));
        Random random = new Random(20261121L);
        int[] decoded = new int[1];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 4_000; i++) {
                int seed = random.nextInt(seeds.size());
                byte[] bytes;
                if (i % 4 == 0) {
                    bytes = new byte[1 + random.nextInt(64)];
                    random.nextBytes(bytes);
                } else {
                    bytes = seeds.get(seed).clone();
                    for (int m = 1 + random.nextInt(4); m > 0; m--) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
                ObjectInput in = read(bytes, ALLOWLIST);
                try {
                    switch (seed) {
                        case 0 -> in.readObject(OrderRequest.class, OrderRequest.class);
                        case 1 -> in.readObject(Map.class, Map.class);
                        case 2 -> in.readObject(Throwable.class, Throwable.class);
                        default -> {
                            in.readUTF();
                            in.readInt();
                        }
                    }
                    decoded[0]++;
                } catch (IOException expected) {
                    // the only acceptable failure
                }
            }
        });
        assertTrue(decoded[0] > 0, "some mutations leave readable bytes");
    }

    private static byte[] framed(ThrowableMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeDelimitedTo(out);
        return out.toByteArray();
    }

    /** Records every class name asked of it. */
    static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
