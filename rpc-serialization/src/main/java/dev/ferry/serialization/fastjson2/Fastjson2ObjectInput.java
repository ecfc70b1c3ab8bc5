package dev.ferry.serialization.fastjson2;

import dev.ferry.serialization.Primitives;
import com.alibaba.fastjson2.JSONB;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.ReadFailures;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads what {@link Fastjson2ObjectOutput} (or Apache Dubbo's {@code FastJson2ObjectOutput})
 * writes: per value, a 4-byte big-endian length and a JSONB document of that length.
 *
 * <p>Each document is read in chunks as it arrives (a declared length never allocates more than
 * the bytes that are there), then walked once by {@link JsonbStructure}, which fails on any count
 * or length larger than what follows, before it is parsed: fastjson2's array and list readers
 * allocate by the count they read, so an unchecked count of two billion would exhaust the heap.
 * The document must hold exactly one value.
 *
 * <p>Every failure is an {@link IOException}: a refused class as {@link ClassRefusedException},
 * anything else (malformed bytes, a value of the wrong type, nesting too deep) with a message
 * about the input, never about a half-built value. Not thread-safe; one per message.
 */
final class Fastjson2ObjectInput implements ObjectInput {

    private final InputStream in;
    private final Function<ClassAllowlist, AllowlistReaders> readersOf;
    private AllowlistReaders readers;
    // Held strongly while reading: the reader state holds it weakly.
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private ClassAllowlist allowlist;

    /** @param readersOf the reader state of an allowlist (one per allowlist, cached) */
    Fastjson2ObjectInput(InputStream in, Function<ClassAllowlist, AllowlistReaders> readersOf, ClassAllowlist allowlist) {
        this.in = in;
        this.readersOf = readersOf;
        this.readers = readersOf.apply(allowlist);
        this.allowlist = allowlist;
    }

    /** Each value is a document of its own, read with the reader state current when it is read. */
    @Override
    public boolean useAllowlist(ClassAllowlist allowlist) {
        this.readers = readersOf.apply(Objects.requireNonNull(allowlist, "allowlist"));
        this.allowlist = allowlist;
        return true;
    }

    @Override
    public Object readObject() throws IOException {
        return read(Object.class, Object.class);
    }

    @Override
    public Object readObject(Class<?> rawType, Type type) throws IOException {
        Class<?> raw = rawType != null ? rawType : Object.class;
        return read(raw, type != null ? type : raw);
    }

    @Override
    public String readUTF() throws IOException {
        return (String) read(String.class, String.class);
    }

    @Override
    public byte readByte() throws IOException {
        Object value = read(byte.class, byte.class);
        if (value == null) {
            throw new IOException("fastjson2 input has null where a byte is expected");
        }
        return (Byte) value;
    }

    @Override
    public int readInt() throws IOException {
        Object value = read(int.class, int.class);
        if (value == null) {
            throw new IOException("fastjson2 input has null where an int is expected");
        }
        return (Integer) value;
    }

    private Object read(Class<?> raw, Type type) throws IOException {
        // Asked on every read, ahead of fastjson2's per-type reader cache, so an allowlist may change its mind.
        String refused = readers.refusedDeclaredType(raw);
        if (refused != null) {
            throw AllowlistTypeFilter.refusal(refused).refusal();
        }
        byte[] document = nextDocument();
        Object value;
        try {
            JsonbStructure.check(document);
            value = JSONB.parseObject(document, 0, document.length, type, readers.context());
        } catch (Throwable t) {
            throw translate(t);
        }
        if (value != null && !Primitives.boxed(raw).isInstance(value)) {
            throw new IOException("fastjson2 input holds a " + value.getClass().getName() + " where a "
                    + raw.getName() + " is expected");
        }
        return value;
    }

    private byte[] nextDocument() throws IOException {
        byte[] prefix = in.readNBytes(Integer.BYTES);
        if (prefix.length < Integer.BYTES) {
            throw new EOFException("fastjson2 input ends before a value's length");
        }
        int length = ((prefix[0] & 0xff) << 24) | ((prefix[1] & 0xff) << 16) | ((prefix[2] & 0xff) << 8) | (prefix[3] & 0xff);
        if (length <= 0) {
            throw new IOException("fastjson2 value length " + length + " is not positive");
        }
        // Read in chunks: memory follows the bytes that arrive, not the length they claim.
        byte[] document = in.readNBytes(length);
        if (document.length < length) {
            throw new EOFException("fastjson2 input ends inside a value (" + document.length + " of "
                    + length + " bytes)");
        }
        return document;
    }

    private static IOException translate(Throwable t) {
        return ReadFailures.translate("fastjson2 input", t);
    }
}
