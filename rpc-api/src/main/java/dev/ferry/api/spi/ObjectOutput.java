package dev.ferry.api.spi;

import java.io.IOException;

/** Writes values in one serialization format; see {@link Serialization}. */
public interface ObjectOutput {

    void writeObject(Object value) throws IOException;

    void writeUTF(String value) throws IOException;

    void writeByte(byte value) throws IOException;

    void writeInt(int value) throws IOException;

    /** Pushes buffered bytes to the underlying stream; call once after the last write. */
    void flush() throws IOException;
}
