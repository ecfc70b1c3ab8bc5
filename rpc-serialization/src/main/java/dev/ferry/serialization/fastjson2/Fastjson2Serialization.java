package dev.ferry.serialization.fastjson2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.AllowlistCache;
import dev.ferry.serialization.ClassLoaders;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * fastjson2 JSONB, byte-compatible with Apache Dubbo 3.3's {@code fastjson2} serialization
 * (id 23): every value (including the strings, bytes and ints of the body's frame) is one JSONB
 * document written by {@code JSONB.toBytes} with Dubbo's writer features, preceded by its
 * length as a 4-byte big-endian int.
 *
 * <p>Reading is safe by default: fastjson2's autoType is off, and a type name in the bytes is
 * resolved only by {@link AllowlistTypeFilter}, which refuses (with
 * {@link dev.ferry.serialization.ClassRefusedException}) every name the given
 * {@link ClassAllowlist} does not allow, and every known gadget whatever the allowlist says,
 * before the class is loaded. Types fastjson2 would create without a name in the bytes (the
 * declared type of a read, the field types of an allowed class) are checked too, by
 * {@link DeclaredTypeGuard}. Lengths and counts in the bytes are checked against the bytes
 * actually there before anything is allocated from them.
 *
 * <p>fastjson2 keeps readers per type in an {@code ObjectReaderProvider}; one provider is kept
 * per allowlist (weakly), so decisions made for one service never leak to another. Use one
 * long-lived allowlist per service rather than a new one per call.
 *
 * <p>Classes named by the bytes are loaded through the class loader given to the constructor;
 * with the no-argument constructor, through the thread's context class loader at the time an
 * allowlist is first used (else Ferry's own loader).
 *
 * <p>Thread-safe.
 */
@Extension("fastjson2")
public final class Fastjson2Serialization implements Serialization {

    /** The wire id, as Dubbo's. */
    public static final byte ID = 23;

    /** The extension name. */
    public static final String NAME = "fastjson2";

    private final ClassLoader classLoader;
    private final AllowlistCache<AllowlistReaders> readers = new AllowlistCache<>(this::newReaders);

    /** Resolves classes through the context class loader (see the class comment). */
    public Fastjson2Serialization() {
        this(null);
    }

    /** Resolves classes named by the bytes through {@code classLoader}. */
    public Fastjson2Serialization(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public ObjectOutput serialize(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return new Fastjson2ObjectOutput(out);
    }

    @Override
    public ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(allowlist, "allowlist");
        return new Fastjson2ObjectInput(in, readers::get, allowlist);
    }

    private AllowlistReaders newReaders(ClassAllowlist allowlist) {
        ClassLoader loader = ClassLoaders.resolving(classLoader, Fastjson2Serialization.class);
        return new AllowlistReaders(allowlist, loader);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
