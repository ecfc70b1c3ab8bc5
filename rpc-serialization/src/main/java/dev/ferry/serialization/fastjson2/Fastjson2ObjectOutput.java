package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.JSONB;
import com.alibaba.fastjson2.JSONWriter;
import dev.ferry.api.spi.ObjectOutput;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes as Apache Dubbo's {@code FastJson2ObjectOutput} does: each value as its own JSONB
 * document with Dubbo's writer features, preceded by the document's length (4 bytes,
 * big-endian); {@code writeUTF}, {@code writeByte} and {@code writeInt} write the boxed value
 * the same way. Not thread-safe; one per message.
 */
final class Fastjson2ObjectOutput implements ObjectOutput {

    /**
     * Dubbo 3.3's features, in its order (with its default check that classes are
     * {@code Serializable}, which changes no byte of what is written).
     */
    static final JSONWriter.Feature[] FEATURES = {
            JSONWriter.Feature.WriteClassName,
            JSONWriter.Feature.FieldBased,
            JSONWriter.Feature.ErrorOnNoneSerializable,
            JSONWriter.Feature.ReferenceDetection,
            JSONWriter.Feature.WriteNulls,
            JSONWriter.Feature.NotWriteDefaultValue,
            JSONWriter.Feature.NotWriteHashMapArrayListClassName,
            JSONWriter.Feature.WriteNameAsSymbol,
    };

    private final OutputStream out;
    private final byte[] lengthBytes = new byte[Integer.BYTES];

    Fastjson2ObjectOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeObject(Object value) throws IOException {
        byte[] document;
        try {
            document = JSONB.toBytes(value, FEATURES);
        } catch (RuntimeException e) {
            // e.g. a class that is not Serializable
            throw new IOException("fastjson2 cannot serialize "
                    + (value == null ? "null" : value.getClass().getName()) + ": " + e.getMessage(), e);
        }
        int length = document.length;
        lengthBytes[0] = (byte) (length >>> 24);
        lengthBytes[1] = (byte) (length >>> 16);
        lengthBytes[2] = (byte) (length >>> 8);
        lengthBytes[3] = (byte) length;
        out.write(lengthBytes);
        out.write(document);
    }

    @Override
    public void writeUTF(String value) throws IOException {
        writeObject(value);
    }

    @Override
    public void writeByte(byte value) throws IOException {
        writeObject(value);
    }

    @Override
    public void writeInt(int value) throws IOException {
        writeObject(value);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
