package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.JSONWriter;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Consumer;

/** Test helpers: write with Ferry, read with Ferry, or craft raw JSONB documents. */
final class Json {

    static final Fastjson2Serialization FASTJSON2 = new Fastjson2Serialization();

    /** Admits everything (the gadget deny list still applies). */
    static final ClassAllowlist PERMISSIVE = name -> true;

    interface Writes {
        void to(ObjectOutput out) throws IOException;
    }

    private Json() {
    }

    static byte[] write(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = FASTJSON2.serialize(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] writeObject(Object value) throws IOException {
        return write(out -> out.writeObject(value));
    }

    static ObjectInput read(byte[] bytes, ClassAllowlist allowlist) {
        return FASTJSON2.deserialize(new ByteArrayInputStream(bytes), allowlist);
    }

    static Object readObject(byte[] bytes, ClassAllowlist allowlist) throws IOException {
        return read(bytes, allowlist).readObject();
    }

    /** One JSONB document written by hand with fastjson2's writer, framed with its length. */
    static byte[] raw(Consumer<JSONWriter> writes) {
        try (JSONWriter writer = JSONWriter.ofJSONB()) {
            writes.accept(writer);
            return framed(writer.getBytes());
        }
    }

    /** {@code document} behind a 4-byte big-endian length, as the serialization frames a value. */
    static byte[] framed(byte[] document) {
        byte[] out = new byte[4 + document.length];
        out[0] = (byte) (document.length >>> 24);
        out[1] = (byte) (document.length >>> 16);
        out[2] = (byte) (document.length >>> 8);
        out[3] = (byte) document.length;
        System.arraycopy(document, 0, out, 4, document.length);
        return out;
    }

    /**
     * An object that names {@code className} with one string field, as fastjson2 writes a typed
     * object, without the class having to exist or be loaded.
     */
    static void namedObject(JSONWriter writer, String className, String field, String value) {
        writer.writeTypeName(className);
        writer.startObject();
        writer.writeName(field);
        writer.writeString(value);
        writer.endObject();
    }
}
