package dev.ferry.serialization.hessian2;

import dev.ferry.serialization.ClassLoaders;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Serialization;
import dev.ferry.serialization.AllowlistCache;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Function;

/**
 * Hessian 2 on {@code org.apache.dubbo:hessian-lite}, byte-compatible with Apache Dubbo 3's
 * {@code hessian2} serialization (id 2): the same writer and reader calls for each
 * {@link ObjectOutput} / {@link ObjectInput} method, so Dubbo peers read what this writes and
 * the other way round.
 *
 * <p>Reading only creates classes the given {@link ClassAllowlist} allows; a refused class fails
 * the read with {@link dev.ferry.serialization.ClassRefusedException} before it is loaded. Known
 * gadget classes ({@link dev.ferry.serialization.DefaultClassAllowlist#isKnownGadget(String)} and
 * hessian-lite's own deny list) are refused even when a custom allowlist admits them. Lengths
 * declared by the bytes cannot force large allocations, and malformed input fails with an
 * {@link java.io.IOException}.
 *
 * <p>Classes named by the bytes are loaded through the class loader given to the constructor;
 * with the no-argument constructor (the one {@link java.util.ServiceLoader} uses), through the
 * thread's context class loader at the time an allowlist is first used (else Ferry's own loader),
 * as Dubbo resolves through the context class loader.
 *
 * <p>hessian-lite caches per-class (de)serializers in its {@code SerializerFactory}, so one
 * factory is kept per allowlist (weakly: an allowlist no longer used is forgotten). Use one
 * long-lived allowlist per service rather than a new one per call.
 *
 * <p>The common java.time values ({@code LocalDate}, {@code LocalTime}, {@code LocalDateTime},
 * {@code Instant}, {@code Duration}) are written and read without hessian-lite's per-value
 * reflection, to the same bytes hessian-lite writes.
 *
 * <p>Thread-safe.
 */
@Extension("hessian2")
public final class Hessian2Serialization implements Serialization {

    /** The wire id, as Dubbo's. */
    public static final byte ID = 2;

    /** The extension name. */
    public static final String NAME = "hessian2";

    private final ClassLoader classLoader;
    private final SerializerFactory outputFactory;
    private final ThreadLocal<Hessian2ObjectOutput.Reusable> writers;
    private final ThreadLocal<Hessian2ObjectInput.Reusable> readers =
            ThreadLocal.withInitial(Hessian2ObjectInput.Reusable::new);
    private final AllowlistCache<AllowlistSerializerFactory> inputFactories = new AllowlistCache<>(this::newFactory);
    private final Function<ClassAllowlist, AllowlistSerializerFactory> inputFactory = inputFactories::get;

    /** Resolves classes through the context class loader (see the class comment). */
    public Hessian2Serialization() {
        this(null);
    }

    /** Resolves classes named by the bytes through {@code classLoader}. */
    public Hessian2Serialization(ClassLoader classLoader) {
        this.classLoader = classLoader;
        this.outputFactory = new JavaTimeSerializerFactory(classLoader != null ? classLoader : ownLoader());
        this.writers = ThreadLocal.withInitial(() -> new Hessian2ObjectOutput.Reusable(outputFactory));
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public ObjectOutput serialize(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return new Hessian2ObjectOutput(out, outputFactory, writers.get());
    }

    @Override
    public ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(allowlist, "allowlist");
        Hessian2ObjectInput.Reusable reader = readers.get();
        if (!reader.free()) {
            // Out with a message still being read, or spoilt by a failed read: the thread gets a
            // new one, and the old one stays with its message.
            reader = new Hessian2ObjectInput.Reusable();
            readers.set(reader);
        }
        return new Hessian2ObjectInput(in, inputFactory, allowlist, reader);
    }

    private AllowlistSerializerFactory newFactory(ClassAllowlist allowlist) {
        ClassLoader loader = ClassLoaders.resolving(classLoader, Hessian2Serialization.class);
        return new AllowlistSerializerFactory(loader, allowlist);
    }

    private static ClassLoader ownLoader() {
        ClassLoader loader = Hessian2Serialization.class.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
