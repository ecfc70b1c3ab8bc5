package dev.ferry.serialization.hessian2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.OrderService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static dev.ferry.serialization.hessian2.Wire.raw;
import static dev.ferry.serialization.hessian2.Wire.read;
import static dev.ferry.serialization.hessian2.Wire.readObject;
import static dev.ferry.serialization.hessian2.Wire.writeObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Bad bytes end in an IOException: never another exception, an OutOfMemoryError or a hang. */
class MalformedInputTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowTypesOf(OrderService.class)
            .allowPackage("com.example")
            .build();

    private static void assertIOException(byte[] bytes) {
        assertIOException(() -> readObject(bytes, ALLOWLIST));
    }

    private static void assertIOException(Executable read) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class, read));
    }

    @Test
    void emptyAndTruncatedInput() throws IOException {
        assertIOException(new byte[0]);
        byte[] whole = writeObject(Hessian2RoundTripTest.sampleOrder());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int length = 0; length < whole.length; length++) {
                byte[] prefix = Arrays.copyOf(whole, length);
                try {
                    Object value = readObject(prefix, ALLOWLIST);
                    fail("a " + length + "-byte prefix of " + whole.length + " decoded to " + value.getClass());
                } catch (IOException expected) {
                    // fine
                }
            }
        });
    }

    @Test
    void randomGarbage() {
        Random random = new Random(20240501L);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                try {
                    read(bytes, ALLOWLIST).readObject();
                } catch (IOException expected) {
                    // fine; anything else fails the test
                }
            }
        });
    }

    @Test
    void hugeDeclaredStringOrBinaryLength() {
        // 'S' with the largest 16-bit length, then three characters
        assertIOException(new byte[] {'S', (byte) 0xff, (byte) 0xff, 'a', 'b', 'c'});
        // a non-final chunk, then nothing
        assertIOException(new byte[] {'R', (byte) 0xff, (byte) 0xff, 'a'});
        assertIOException(new byte[] {'B', (byte) 0xff, (byte) 0xff, 1, 2});
        assertIOException(() -> read(new byte[] {'S', (byte) 0xff, (byte) 0xff, 'a'}, ALLOWLIST).readUTF());
    }

    @Test
    void hugeDeclaredArrayLengthDoesNotAllocate() throws IOException {
        for (String type : List.of("[int", "[long", "[double", "[boolean", "[short", "[float", "[string",
                "[object", "[java.lang.Integer", "[dev.ferry.serialization.fixtures.OrderLine")) {
            byte[] bytes = raw(out -> {
                out.writeListBegin(Integer.MAX_VALUE - 8, type);
                out.writeInt(1);
            });
            assertIOException(bytes);
        }
        // untyped fixed-length list read as an array type
        byte[] untyped = raw(out -> {
            out.writeListBegin(Integer.MAX_VALUE - 8, null);
            out.writeInt(1);
        });
        assertIOException(() -> read(untyped, ALLOWLIST).readObject(int[].class, int[].class));
        assertIOException(() -> read(untyped, ALLOWLIST).readObject(String[].class, String[].class));
        assertIOException(untyped);
        // a nest of arrays, each declaring a million elements: memory grows with the bytes, not the claims
        byte[] nest = raw(out -> {
            for (int i = 0; i < 2_000; i++) {
                out.writeListBegin(1_000_000, "[object");
            }
        });
        assertIOException(nest);
    }

    @Test
    void hugeDeclaredFieldCount() throws IOException {
        for (String type : List.of("dev.ferry.serialization.fixtures.OrderLine", "java.util.HashMap",
                "com.example.NotOnTheClassPath")) {
            byte[] bytes = raw(out -> {
                out.writeObjectBegin(type);
                out.writeClassFieldLength(Integer.MAX_VALUE);
            });
            AtomicReference<IOException> failure = new AtomicReference<>();
            assertIOException(() -> {
                try {
                    readObject(bytes, ALLOWLIST);
                } catch (IOException e) {
                    failure.set(e);
                    throw e;
                }
            });
            assertTrue(failure.get().getMessage().contains("fields"), failure.get().getMessage());
        }
    }

    @Test
    void badReferences() {
        // back-reference to an object never read; an instance of a class never defined
        assertIOException(new byte[] {'Q', (byte) 0x90});
        assertIOException(new byte[] {'Q', 'I', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertIOException(new byte[] {(byte) 0x60});
        assertIOException(new byte[] {'O', (byte) 0x95});
    }

    @Test
    void malformedTypeNames() throws IOException {
        String dims = "[".repeat(300) + "int";
        byte[] tooDeep = raw(out -> out.writeListBegin(1, dims));
        assertIOException(tooDeep);
        String longName = "com.example." + "x".repeat(5000);
        assertIOException(raw(out -> Wire.writeObjectNamed(out, longName, "f", "v")));
    }

    @Test
    void wrongTypeForATypedRead() throws IOException {
        byte[] string = writeObject("not a number");
        assertIOException(() -> read(string, ALLOWLIST).readObject(int.class, int.class));
        assertIOException(() -> read(string, ALLOWLIST).readInt());
        assertIOException(() -> read(string, ALLOWLIST).readObject(java.util.List.class, java.util.List.class));
        // hessian (and so Dubbo) reads a number where a string is expected as its text
        assertEquals("12", read(writeObject(12), ALLOWLIST).readUTF());
    }

    @Test
    void deepNestingIsAnIOExceptionNotAStackOverflow() throws Exception {
        // warm up the classes on the path at a harmless depth first
        byte[] shallow = nestedLists(10);
        assertEquals(1, ((List<?>) readObject(shallow, ALLOWLIST)).size());
        byte[] deep = nestedLists(1_000_000);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        // a small stack overflows quickly
        Thread reader = new Thread(null, () -> {
            try {
                readObject(deep, ALLOWLIST);
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "deep-reader", 512 * 1024);
        reader.start();
        reader.join(10_000);
        assertTrue(outcome.get() instanceof IOException, String.valueOf(outcome.get()));
        assertTrue(outcome.get().getMessage().contains("nested too deeply"), outcome.get().getMessage());
        // and the serialization still works afterwards
        assertEquals(1, ((List<?>) readObject(shallow, ALLOWLIST)).size());
    }

    /** {@code depth} untyped one-element lists, one inside the other, around an int. */
    private static byte[] nestedLists(int depth) {
        byte[] bytes = new byte[depth + 1];
        Arrays.fill(bytes, 0, depth, (byte) 0x79);
        bytes[depth] = (byte) 0x91;
        return bytes;
    }

    @Test
    void trailingValuesAreIndependentOfAFailure() throws IOException {
        // the stream state after a failure is undefined; a fresh reader on fresh bytes is unaffected
        List<Object> list = new ArrayList<>(List.of(1, "two"));
        byte[] bytes = writeObject(list);
        assertIOException(Arrays.copyOf(bytes, bytes.length - 1));
        assertEquals(list, readObject(bytes, ALLOWLIST));
    }
}
