package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.TypeReference;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.ferry.serialization.fastjson2.Json.framed;
import static dev.ferry.serialization.fastjson2.Json.raw;
import static dev.ferry.serialization.fastjson2.Json.read;
import static dev.ferry.serialization.fastjson2.Json.readObject;
import static dev.ferry.serialization.fastjson2.Json.write;
import static dev.ferry.serialization.fastjson2.Json.writeObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Bad bytes end in an IOException: never another exception, an OutOfMemoryError or a hang. */
class Fastjson2MalformedInputTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowTypesOf(OrderService.class)
            .build();

    private static final byte ARRAY = -92;
    private static final byte BINARY = -111;
    private static final byte STRING_UTF8 = 122;
    private static final byte INT32 = 72;

    private static void assertIOException(Executable read) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, read));
    }

    @Test
    void emptyAndTruncatedInput() throws IOException {
        assertIOException(() -> readObject(new byte[0], ALLOWLIST));
        byte[] whole = writeObject(Fastjson2RoundTripTest.sampleOrder());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int length = 0; length < whole.length; length++) {
                byte[] prefix = Arrays.copyOf(whole, length);
                try {
                    Object value = readObject(prefix, ALLOWLIST);
                    fail("a " + length + "-byte prefix of " + whole.length + " decoded to " + value);
                } catch (IOException expected) {
                    // fine
                }
            }
        });
    }

    @Test
    void badLengthPrefixes() throws IOException {
        byte[] document = Arrays.copyOfRange(writeObject("value"), 4, writeObject("value").length);
        for (int length : new int[] {0, -1, Integer.MIN_VALUE, document.length + 1, Integer.MAX_VALUE}) {
            byte[] bytes = new byte[4 + document.length];
            bytes[0] = (byte) (length >>> 24);
            bytes[1] = (byte) (length >>> 16);
            bytes[2] = (byte) (length >>> 8);
            bytes[3] = (byte) length;
            System.arraycopy(document, 0, bytes, 4, document.length);
            assertIOException(() -> readObject(bytes, ALLOWLIST));
        }
        // a length shorter than the document leaves a value that ends early
        byte[] shorter = framed(Arrays.copyOf(document, document.length - 1));
        assertIOException(() -> readObject(shorter, ALLOWLIST));
    }

    @Test
    void hugeDeclaredCountsAndLengthsDoNotAllocate() {
        byte[][] documents = {
                {ARRAY, INT32, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2},
                {ARRAY, INT32, 0x10, 0, 0, 0, 1, 2},
                {BINARY, INT32, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2},
                {STRING_UTF8, INT32, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2},
                {ARRAY, INT32, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2},
        };
        Type[] types = {Object.class, new TypeReference<List<String>>() { }.getType(), int[].class, String[].class,
                Object[].class, long[].class, byte[].class, new TypeReference<Set<Integer>>() { }.getType(),
                new TypeReference<Map<String, Integer>>() { }.getType(), String.class, char[].class, double[].class,
                boolean[].class, Order.class};
        for (byte[] document : documents) {
            byte[] bytes = framed(document);
            for (Type type : types) {
                assertIOException(() -> read(bytes, ALLOWLIST).readObject(TypesForTest.raw(type), type));
            }
        }
    }

    @Test
    void hugeSymbolIndexOrDecimalScaleIsRefused() {
        // an object whose field name defines symbol number 2^28 (fastjson2 would size a table by it)
        byte[] symbol = {-90, 127, 74, 'a', INT32, 0x10, 0, 0, 0, 1, -91};
        assertIOException(() -> readObject(framed(symbol), ALLOWLIST));
        // a decimal with scale -2^31 read as an int (the conversion computes 10^(2^31))
        byte[] decimal = {-71, INT32, (byte) 0x80, 0, 0, 0, 1};
        assertIOException(() -> read(framed(decimal), ALLOWLIST).readInt());
        assertIOException(() -> read(framed(decimal), ALLOWLIST).readObject(long.class, long.class));
    }

    @Test
    void bytesAfterTheValueAreRefused() throws IOException {
        byte[] document = Arrays.copyOfRange(writeObject(42), 4, writeObject(42).length);
        byte[] longer = framed(Arrays.copyOf(document, document.length + 3));
        assertIOException(() -> readObject(longer, ALLOWLIST));
    }

    @Test
    void unknownTypeBytesAndTypeNames() {
        assertIOException(() -> readObject(framed(new byte[] {-91}), ALLOWLIST));   // object end alone
        assertIOException(() -> readObject(framed(new byte[] {-90, 73}), ALLOWLIST)); // unterminated object
        assertIOException(() -> readObject(raw(w -> Json.namedObject(w, "x".repeat(5000), "f", "v")), ALLOWLIST));
        assertIOException(() -> readObject(raw(w -> Json.namedObject(w, "[".repeat(300) + "Ljava.lang.String;", "f", "v")),
                name -> true));
        assertIOException(() -> readObject(raw(w -> Json.namedObject(w, "[", "f", "v")), name -> true));
    }

    @Test
    void deepNestingIsAnIOExceptionNotAStackOverflow() throws IOException {
        int depth = 100_000;
        byte[] document = new byte[depth + 1];
        Arrays.fill(document, 0, depth, (byte) -107); // array of one value
        document[depth] = 1;
        assertIOException(() -> readObject(framed(document), ALLOWLIST));
        // nesting well inside the limit still reads
        Object nested = 1;
        for (int i = 0; i < 200; i++) {
            nested = new Object[] {nested};
        }
        Object back = readObject(writeObject(nested), ALLOWLIST);
        for (int i = 0; i < 200; i++) {
            back = ((Object[]) back)[0];
        }
        assertEquals(1, back);
    }

    @Test
    void randomGarbage() {
        Random random = new Random(20261121L);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 2_000; i++) {
                byte[] document = new byte[1 + random.nextInt(64)];
                random.nextBytes(document);
                readOrIOException(framed(document), 1);
            }
        });
    }

    /** Seeded mutations of real documents: every outcome is a value or an IOException. */
    @Test
    void mutatedDocumentsFailOnlyWithIOException() throws IOException {
        // each with one value, except the last with three
        List<byte[]> seeds = List.of(
                writeObject(Fastjson2RoundTripTest.sampleOrder()),
                writeObject(new BusinessException("E1", "failed", new IllegalStateException("cause"))),
                writeObject(Map.of("k", List.of(1, 2), "m", Map.of("x", "y"))),
                write(out -> {
                    out.writeUTF("2.0.2");
                    out.writeInt(7);
                    out.writeObject(new int[] {1, 2, 3});
                }));
        Random random = new Random(42L);
        int[] decoded = new int[1];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3_000; i++) {
                int seed = random.nextInt(seeds.size());
                byte[] bytes = seeds.get(seed).clone();
                int mutations = 1 + random.nextInt(4);
                for (int m = 0; m < mutations; m++) {
                    int pos = 4 + random.nextInt(bytes.length - 4);
                    bytes[pos] = (byte) random.nextInt(256);
                }
                if (readOrIOException(bytes, seed == 3 ? 3 : 1)) {
                    decoded[0]++;
                }
            }
        });
        assertTrue(decoded[0] > 0, "some mutations leave a readable document");
    }

    /** Reads {@code values} values from {@code bytes}; true when all read, false on an IOException. */
    private static boolean readOrIOException(byte[] bytes, int values) {
        ObjectInput in = read(bytes, ALLOWLIST);
        try {
            for (int i = 0; i < values; i++) {
                in.readObject();
            }
            return true;
        } catch (IOException expected) {
            return false;
        }
    }
}
