package dev.ferry.serialization.protobuf;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.ClassLoaders;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Protocol Buffers for services whose methods take and return protoc-generated messages, in the
 * format of Apache Dubbo's protobuf serialization (id 22): every value is one length-delimited
 * message ({@code writeDelimitedTo}).
 *
 * <table>
 *   <caption>What each value is written as</caption>
 *   <tr><th>value</th><th>message</th></tr>
 *   <tr><td>a generated message ({@code MessageLite})</td><td>itself</td></tr>
 *   <tr><td>{@code writeUTF}, {@code String}</td><td>{@code google.protobuf.StringValue}</td></tr>
 *   <tr><td>{@code writeByte}, {@code writeInt}, {@code Integer}, {@code Short}, {@code Byte}</td>
 *       <td>{@code Int32Value}</td></tr>
 *   <tr><td>{@code Long}, {@code Boolean}, {@code Float}, {@code Double}, {@code byte[]}</td>
 *       <td>{@code Int64Value}, {@code BoolValue}, {@code FloatValue}, {@code DoubleValue},
 *       {@code BytesValue}</td></tr>
 *   <tr><td>a {@code Map} with String keys (attachments)</td><td>Dubbo's attachments message:
 *       every value as text, and typed (String, Integer, Long, Boolean, Float, Double or
 *       null) in an {@code Any}</td></tr>
 *   <tr><td>a {@code Throwable}</td><td>Dubbo's throwable message: class name, message,
 *       stack trace, cause</td></tr>
 *   <tr><td>{@code null}, as an event's payload (the first value of a body)</td><td>Dubbo's
 *       heartbeat marker, the string {@code "H"}</td></tr>
 * </table>
 *
 * <p>Protobuf has no null: a null argument is refused when written. A null return value
 * travels, since the body then carries no value at all. Types are never named by the bytes:
 * a message is read as the type the method declares, which must be allowed by the
 * {@link ClassAllowlist}. An exception is recreated as its own class when that class is
 * allowed, is a {@code Throwable} and has a {@code (String, Throwable)} or {@code (String)}
 * constructor; otherwise it arrives as a {@link ProtobufRemoteException} naming the original
 * class. Fields of an exception beyond its message, cause and stack trace do not travel.
 *
 * <p>Thread-safe.
 */
@Extension("protobuf")
public final class ProtobufSerialization implements Serialization {

    /** The wire id, as Dubbo's. */
    public static final byte ID = 22;

    /** The extension name. */
    public static final String NAME = "protobuf";

    private final ClassLoader classLoader;

    /** Loads exception classes named by the bytes through the context class loader, else Ferry's own. */
    public ProtobufSerialization() {
        this(null);
    }

    /** Loads exception classes named by the bytes through {@code classLoader}. */
    public ProtobufSerialization(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public ObjectOutput serialize(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return new ProtobufObjectOutput(out);
    }

    @Override
    public ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(allowlist, "allowlist");
        ClassLoader loader = ClassLoaders.resolving(classLoader, ProtobufSerialization.class);
        return new ProtobufObjectInput(in, allowlist, loader);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
