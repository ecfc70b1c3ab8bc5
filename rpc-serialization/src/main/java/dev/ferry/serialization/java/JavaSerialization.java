package dev.ferry.serialization.java;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.ClassLoaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Java native serialization ({@code ObjectOutputStream}) in the format of Apache Dubbo's
 * {@code java} serialization (id 3): the stream header once per body; {@code writeUTF} as an int
 * length (-1 for null) and {@code writeUTF}; {@code writeObject} as a byte (0 for null, 1
 * otherwise) and {@code writeObject}; {@code writeByte} and {@code writeInt} as themselves.
 *
 * <p><strong>Off by default.</strong> Java serialization is the vehicle of most deserialization
 * attacks, so a service accepts it only when its configuration names {@code "java"} among its
 * serializations; a request in it to any other service is refused before its body is read
 * beyond the service name, and a consumer accepts a reply in it only to a call it sent in it.
 *
 * <p>When it is on, reading is still confined: every class descriptor in the stream is checked
 * against the {@link ClassAllowlist} and the deny list of known gadgets before the class is
 * loaded (in {@code resolveClass}), again by an {@link java.io.ObjectInputFilter}, which also
 * bounds depth, references and array lengths (no array longer than the bytes left), and
 * dynamic proxies are refused outright.
 *
 * <p>Thread-safe.
 */
@Extension("java")
public final class JavaSerialization implements Serialization {

    /** The wire id, as Dubbo's. */
    public static final byte ID = 3;

    /** The extension name. */
    public static final String NAME = "java";

    private final ClassLoader classLoader;

    /** Resolves classes through the context class loader, else Ferry's own. */
    public JavaSerialization() {
        this(null);
    }

    /** Resolves classes named by the bytes through {@code classLoader}. */
    public JavaSerialization(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public ObjectOutput serialize(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        return new JavaObjectOutput(out);
    }

    @Override
    public ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(allowlist, "allowlist");
        ClassLoader loader = ClassLoaders.resolving(classLoader, JavaSerialization.class);
        return new JavaObjectInput(in, allowlist, loader);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
