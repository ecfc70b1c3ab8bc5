package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Test helpers: write with Ferry, read with Ferry, or craft raw hessian with hessian-lite. */
final class Wire {

    static final Hessian2Serialization HESSIAN2 = new Hessian2Serialization();

    /** Admits everything (the factory's gadget deny lists still apply). */
    static final ClassAllowlist PERMISSIVE = name -> true;

    interface Writes {
        void to(ObjectOutput out) throws IOException;
    }

    interface RawWrites {
        void to(Hessian2Output out) throws IOException;
    }

    private Wire() {
    }

    static byte[] write(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = HESSIAN2.serialize(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] writeObject(Object value) throws IOException {
        return write(out -> out.writeObject(value));
    }

    /** Hessian bytes written straight with hessian-lite, for payloads Ferry would never write. */
    static byte[] raw(RawWrites writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * An object of class {@code className} with one string field, as hessian-lite's field
     * serializer would write it, without the class having to exist or be loaded.
     */
    static void writeObjectNamed(Hessian2Output out, String className, String field, String value)
            throws IOException {
        int ref = out.writeObjectBegin(className);
        if (ref == -1) {
            out.writeClassFieldLength(1);
            out.writeString(field);
            out.writeObjectBegin(className);
        }
        out.writeString(value);
    }

    static ObjectInput read(byte[] bytes, ClassAllowlist allowlist) {
        return HESSIAN2.deserialize(new ByteArrayInputStream(bytes), allowlist);
    }

    static Object readObject(byte[] bytes, ClassAllowlist allowlist) throws IOException {
        return read(bytes, allowlist).readObject();
    }
}
