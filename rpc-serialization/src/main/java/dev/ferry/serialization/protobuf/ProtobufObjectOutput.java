package dev.ferry.serialization.protobuf;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.MessageLite;
import com.google.protobuf.StringValue;
import dev.ferry.api.spi.ObjectOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes every value as one length-delimited message, as Apache Dubbo's
 * {@code GenericProtobufObjectOutput} does (see {@link ProtobufSerialization} for the table).
 * Not thread-safe; one per message.
 */
final class ProtobufObjectOutput implements ObjectOutput {

    /** What Dubbo writes for a heartbeat's null payload. */
    static final String HEARTBEAT = "H";

    private final OutputStream out;
    private boolean written;

    ProtobufObjectOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeObject(Object value) throws IOException {
        boolean first = !written;
        written = true;
        message(value, first).writeDelimitedTo(out);
    }

    private static MessageLite message(Object value, boolean first) throws IOException {
        if (value == null) {
            if (first) {
                // An event's payload is the only value of its body.
                return StringValue.of(HEARTBEAT);
            }
            throw new IOException("protobuf cannot carry null (send an empty message instead)");
        }
        if (value instanceof MessageLite message) {
            return message;
        }
        if (value instanceof String s) {
            return StringValue.of(s);
        }
        if (value instanceof Integer i) {
            return Int32Value.of(i);
        }
        if (value instanceof Long l) {
            return Int64Value.of(l);
        }
        if (value instanceof Boolean b) {
            return BoolValue.of(b);
        }
        if (value instanceof Double d) {
            return DoubleValue.of(d);
        }
        if (value instanceof Float f) {
            return FloatValue.of(f);
        }
        if (value instanceof Short s) {
            return Int32Value.of(s);
        }
        if (value instanceof Byte b) {
            return Int32Value.of(b);
        }
        if (value instanceof byte[] bytes) {
            return BytesValue.of(ByteString.copyFrom(bytes));
        }
        if (value instanceof Throwable t) {
            return ThrowableMessages.toMessage(t);
        }
        if (value instanceof Map<?, ?> map) {
            return AttachmentMessages.toMessage(map);
        }
        throw new IOException("protobuf serializes protobuf messages, their scalar wrappers and String-keyed maps"
                + " of scalars; " + value.getClass().getName() + " is none of these");
    }

    @Override
    public void writeUTF(String value) throws IOException {
        if (value == null) {
            throw new IOException("protobuf cannot carry a null string");
        }
        written = true;
        StringValue.of(value).writeDelimitedTo(out);
    }

    @Override
    public void writeByte(byte value) throws IOException {
        writeInt(value);
    }

    @Override
    public void writeInt(int value) throws IOException {
        written = true;
        Int32Value.of(value).writeDelimitedTo(out);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
