package dev.ferry.serialization.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Empty;
import com.google.protobuf.FloatValue;
import com.google.protobuf.Int32Value;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.ferry.serialization.protobuf.wire.Attachments;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code Map<String, Object>} as Dubbo's protobuf serialization writes attachments: every
 * value as text in {@code attachments}, and typed in {@code attachments_v2}, an {@code Any}
 * whose value is a delimited {@code StringValue} with the Java class name followed by the
 * delimited wrapper message. Reading prefers the typed entry.
 */
final class AttachmentMessages {

    private static final String NULL = "null";

    private AttachmentMessages() {
    }

    static Attachments toMessage(Map<?, ?> map) throws IOException {
        Attachments.Builder builder = Attachments.newBuilder();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IOException("protobuf writes maps with String keys only, not "
                        + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName()));
            }
            Object value = entry.getValue();
            builder.putAttachments(key, String.valueOf(value));
            builder.putAttachmentsV2(key, typed(value));
        }
        return builder.build();
    }

    static Map<String, Object> fromMessage(Attachments message) throws IOException {
        Map<String, Object> map = new HashMap<>(message.getAttachmentsMap());
        for (Map.Entry<String, Any> entry : message.getAttachmentsV2Map().entrySet()) {
            map.put(entry.getKey(), untyped(entry.getValue()));
        }
        return map;
    }

    private static Any typed(Object value) throws IOException {
        ByteString.Output out = ByteString.newOutput();
        String type = value == null ? NULL : value.getClass().getName();
        StringValue.of(type).writeDelimitedTo(out);
        if (value == null) {
            Empty.getDefaultInstance().writeDelimitedTo(out);
        } else if (value instanceof String s) {
            StringValue.of(s).writeDelimitedTo(out);
        } else if (value instanceof Integer i) {
            Int32Value.of(i).writeDelimitedTo(out);
        } else if (value instanceof Long l) {
            Int64Value.of(l).writeDelimitedTo(out);
        } else if (value instanceof Boolean b) {
            BoolValue.of(b).writeDelimitedTo(out);
        } else if (value instanceof Float f) {
            FloatValue.of(f).writeDelimitedTo(out);
        } else if (value instanceof Double d) {
            DoubleValue.of(d).writeDelimitedTo(out);
        } else {
            throw new IOException("protobuf carries attachment values of type String, Integer, Long, Boolean, Float,"
                    + " Double or null, not " + type);
        }
        return Any.newBuilder().setValue(out.toByteString()).build();
    }

    private static Object untyped(Any any) throws IOException {
        InputStream in = any.getValue().newInput();
        String type = Delimited.read(in, StringValue.parser()).getValue();
        return switch (type) {
            case NULL -> {
                Delimited.read(in, Empty.parser());
                yield null;
            }
            case "java.lang.String" -> Delimited.read(in, StringValue.parser()).getValue();
            case "java.lang.Integer" -> Delimited.read(in, Int32Value.parser()).getValue();
            case "java.lang.Long" -> Delimited.read(in, Int64Value.parser()).getValue();
            case "java.lang.Boolean" -> Delimited.read(in, BoolValue.parser()).getValue();
            case "java.lang.Float" -> Delimited.read(in, FloatValue.parser()).getValue();
            case "java.lang.Double" -> Delimited.read(in, DoubleValue.parser()).getValue();
            default -> throw new IOException("protobuf attachment of unsupported type " + abbreviate(type));
        };
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
