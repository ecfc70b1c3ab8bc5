package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import dev.ferry.api.spi.ObjectOutput;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes as Apache Dubbo's {@code Hessian2ObjectOutput} does: {@code writeByte} as a hessian
 * int, {@code writeUTF} as a hessian string, values with {@code Hessian2Output.writeObject}.
 * Not thread-safe; one per message.
 */
final class Hessian2ObjectOutput implements ObjectOutput {

    private final Hessian2Output out;

    Hessian2ObjectOutput(OutputStream stream, SerializerFactory factory) {
        this.out = new Hessian2Output(stream);
        this.out.setSerializerFactory(factory);
    }

    @Override
    public void writeObject(Object value) throws IOException {
        try {
            out.writeObject(value);
        } catch (RuntimeException e) {
            // e.g. "Serialized class com.x.Y must implement java.io.Serializable"
            throw new IOException("hessian2 cannot serialize "
                    + (value == null ? "null" : value.getClass().getName()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeUTF(String value) throws IOException {
        out.writeString(value);
    }

    @Override
    public void writeByte(byte value) throws IOException {
        out.writeInt(value);
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
