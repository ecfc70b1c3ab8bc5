package dev.ferry.api.spi;

import java.io.IOException;
import java.lang.reflect.Type;

/** Reads values written by the matching {@link ObjectOutput}. */
public interface ObjectInput {

    /** Reads a value whose type the bytes name; refused classes fail before instantiation. */
    Object readObject() throws IOException;

    /** Reads a value expected to be of {@code type} (generic where known). */
    Object readObject(Class<?> rawType, Type type) throws IOException;

    String readUTF() throws IOException;

    byte readByte() throws IOException;

    int readInt() throws IOException;
}
