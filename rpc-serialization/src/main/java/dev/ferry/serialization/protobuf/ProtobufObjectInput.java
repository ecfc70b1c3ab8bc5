package dev.ferry.serialization.protobuf;

import com.google.protobuf.BoolValue;
import com.google.protobuf.BytesValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Parser;
import com.google.protobuf.StringValue;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.protobuf.wire.Attachments;
import dev.ferry.serialization.protobuf.wire.ThrowableMessage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what {@link ProtobufObjectOutput} (or Dubbo's protobuf serialization) writes. A message is
 * read as the type the caller declares (protobuf bytes never name a type), and only when the
 * allowlist allows that type. Each value's bytes are read whole before parsing (see
 * {@link Delimited}), so a declared size never allocates more than the bytes that arrive and a
 * truncated value is an error; nesting is limited to protobuf's default of 100 levels.
 *
 * <p>Every failure is an {@link IOException}. Not thread-safe; one per message.
 */
final class ProtobufObjectInput implements ObjectInput {

    private final InputStream in;
    private final ClassAllowlist allowlist;
    private final ClassLoader loader;

    ProtobufObjectInput(InputStream in, ClassAllowlist allowlist, ClassLoader loader) {
        this.in = in;
        this.allowlist = allowlist;
        this.loader = loader;
    }

    /** Without a declared type, only an event's payload: a string, with Dubbo's heartbeat marker as null. */
    @Override
    public Object readObject() throws IOException {
        String value = readUTF();
        return ProtobufObjectOutput.HEARTBEAT.equals(value) ? null : value;
    }

    @Override
    public Object readObject(Class<?> rawType, Type type) throws IOException {
        try {
            return read(rawType == null ? Object.class : rawType);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("malformed protobuf input: " + e, e);
        }
    }

    private Object read(Class<?> raw) throws IOException {
        if (Throwable.class.isAssignableFrom(raw)) {
            Throwable t = ThrowableMessages.fromMessage(Delimited.read(in, ThrowableMessage.parser()),
                    allowlist, loader);
            if (!raw.isInstance(t)) {
                throw new IOException("protobuf input holds a " + t.getClass().getName() + " where a "
                        + raw.getName() + " is expected");
            }
            return t;
        }
        if (raw == Map.class || raw == HashMap.class) {
            return AttachmentMessages.fromMessage(Delimited.read(in, Attachments.parser()));
        }
        Parser<?> parser = Messages.parser(raw);
        if (parser != null) {
            String name = raw.getName();
            if (DefaultClassAllowlist.isKnownGadget(name) || !allowlist.allows(name)) {
                throw new ClassRefusedException(name, DefaultClassAllowlist.isKnownGadget(name));
            }
            return Delimited.read(in, parser);
        }
        if (raw == String.class) {
            return readUTF();
        }
        if (raw == Integer.class || raw == int.class) {
            return readInt();
        }
        if (raw == Long.class || raw == long.class) {
            return Delimited.read(in, Int64Value.parser()).getValue();
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return Delimited.read(in, BoolValue.parser()).getValue();
        }
        if (raw == Double.class || raw == double.class) {
            return Delimited.read(in, DoubleValue.parser()).getValue();
        }
        if (raw == Float.class || raw == float.class) {
            return Delimited.read(in, FloatValue.parser()).getValue();
        }
        if (raw == Short.class || raw == short.class) {
            return (short) readInt();
        }
        if (raw == Byte.class || raw == byte.class) {
            return readByte();
        }
        if (raw == byte[].class) {
            return Delimited.read(in, BytesValue.parser()).getValue().toByteArray();
        }
        throw new IOException("protobuf reads protobuf messages, their scalar wrappers, String-keyed maps and"
                + " exceptions; it cannot read a " + raw.getName());
    }

    @Override
    public String readUTF() throws IOException {
        return Delimited.read(in, StringValue.parser()).getValue();
    }

    @Override
    public byte readByte() throws IOException {
        return (byte) readInt();
    }

    @Override
    public int readInt() throws IOException {
        return Delimited.read(in, Int32Value.parser()).getValue();
    }
}
