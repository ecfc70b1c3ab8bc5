package dev.ferry.serialization.java;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.util.Set;

/**
 * An {@link ObjectInputStream} that creates only what the allowlist allows:
 * <ul>
 *   <li>{@link #resolveClass} refuses a class the allowlist does not allow, or that a deny list
 *       names, before loading it, and loads allowed ones without initialising them;</li>
 *   <li>{@link #resolveProxyClass} refuses every dynamic proxy;</li>
 *   <li>an {@link ObjectInputFilter} checks every class again (including those the stream reaches
 *       without a descriptor of its own) and bounds nesting depth, the number of references and
 *       array lengths: no array may be longer than the bytes that were left when reading began,
 *       since {@code ObjectInputStream} allocates an array before reading its elements.</li>
 * </ul>
 */
final class AllowlistObjectInputStream extends ObjectInputStream {

    /** Deeper graphs are refused. */
    static final int MAX_DEPTH = 512;
    /** Array length cap when the input cannot tell how many bytes it holds. */
    static final int ARRAY_LENGTH_WITHOUT_SIZE = 1 << 16;

    /**
     * The classes in which the JDK writes allowed values: {@code List.of}, {@code Set.of} and
     * {@code Map.of} travel as {@code java.util.CollSer}, a {@code ConcurrentHashMap} with its
     * legacy segments and their locks; hash maps and sets check the size of their
     * {@code Map.Entry[]} table with the filter before allocating it.
     */
    private static final Set<String> JDK_SERIAL_FORMS = Set.of(
            "java.util.CollSer",
            "java.util.Map$Entry",
            "java.util.concurrent.ConcurrentHashMap$Segment",
            "java.util.concurrent.locks.ReentrantLock",
            "java.util.concurrent.locks.ReentrantLock$Sync",
            "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractOwnableSynchronizer");

    private final ClassAllowlist allowlist;
    private final ClassLoader loader;

    AllowlistObjectInputStream(InputStream in, ClassAllowlist allowlist, ClassLoader loader) throws IOException {
        this(in, allowlist, loader, Math.max(0, in.available()));
    }

    private AllowlistObjectInputStream(InputStream in, ClassAllowlist allowlist, ClassLoader loader, long size)
            throws IOException {
        super(in);
        this.allowlist = allowlist;
        this.loader = loader;
        long maxArray = size > 0 ? size : ARRAY_LENGTH_WITHOUT_SIZE;
        setObjectInputFilter(info -> check(info, maxArray));
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info, long maxArray) {
        if (info.depth() > MAX_DEPTH || info.references() > Math.max(maxArray, 1024)
                || info.arrayLength() > maxArray) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type != null) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!element.isPrimitive() && !isAllowed(element.getName())) {
                return ObjectInputFilter.Status.REJECTED;
            }
        }
        return ObjectInputFilter.Status.UNDECIDED;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        String name = desc.getName();
        String element = DefaultClassAllowlist.componentName(name);
        if (!isPrimitiveName(element) && !isAllowed(element)) {
            throw new ClassRefusedException(element, DefaultClassAllowlist.isKnownGadget(element));
        }
        return Class.forName(name, false, loader);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
        throw new ClassRefusedException("java.lang.reflect.Proxy", true);
    }

    private boolean isAllowed(String className) {
        return !DefaultClassAllowlist.isKnownGadget(className)
                && (allowlist.allows(className) || JDK_SERIAL_FORMS.contains(className));
    }

    private static boolean isPrimitiveName(String name) {
        return switch (name) {
            case "boolean", "byte", "short", "int", "long", "float", "double", "char" -> true;
            default -> false;
        };
    }
}
