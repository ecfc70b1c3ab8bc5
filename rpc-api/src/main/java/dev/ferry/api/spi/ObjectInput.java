package dev.ferry.api.spi;

import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Reads values written by the matching {@link ObjectOutput}: one input per message, closed when
 * the message is read (or its reading failed).
 */
public interface ObjectInput extends AutoCloseable {

    /** Reads a value whose type the bytes name; refused classes fail before instantiation. */
    Object readObject() throws IOException;

    /** Reads a value expected to be of {@code type} (generic where known). */
    Object readObject(Class<?> rawType, Type type) throws IOException;

    String readUTF() throws IOException;

    byte readByte() throws IOException;

    int readInt() throws IOException;

    /**
     * Reads what follows under {@code allowlist} instead of the allowlist this input was made
     * with, where the serialization can switch: a codec learns which service a request is for
     * only from its first strings. Call it before reading any value but strings.
     *
     * @return false when this input cannot switch; the caller then reads again with a new input
     */
    default boolean useAllowlist(ClassAllowlist allowlist) {
        return false;
    }

    /**
     * Ends reading this message; the input may lend its buffers to the next one. Leaves the
     * underlying stream open. Nothing may be read after it.
     */
    @Override
    default void close() {
    }
}
