package dev.ferry.serialization.java;

import dev.ferry.api.spi.ObjectOutput;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/** Writes as Apache Dubbo's {@code JavaObjectOutput} does. Not thread-safe; one per message. */
final class JavaObjectOutput implements ObjectOutput {

    private final ObjectOutputStream out;

    JavaObjectOutput(OutputStream stream) throws IOException {
        this.out = new ObjectOutputStream(stream);
    }

    @Override
    public void writeObject(Object value) throws IOException {
        if (value == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        try {
            out.writeObject(value);
        } catch (RuntimeException e) {
            throw new IOException("java serialization cannot write " + value.getClass().getName() + ": " + e, e);
        }
    }

    @Override
    public void writeUTF(String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length());
        out.writeUTF(value);
    }

    @Override
    public void writeByte(byte value) throws IOException {
        out.writeByte(value);
    }

    @Override
    public void writeInt(int value) throws IOException {
        out.writeInt(value);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
