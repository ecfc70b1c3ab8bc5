package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.JSONException;
import com.alibaba.fastjson2.JSONReader;
import com.alibaba.fastjson2.util.TypeUtils;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;

import java.lang.ref.WeakReference;

/**
 * The only way a type name in fastjson2 bytes becomes a class. fastjson2 asks this handler
 * before its own resolution whenever the bytes name a type; with autoType off, nothing else
 * resolves a name. A name is resolved when the allowlist allows the class it stands for and no
 * deny list names it; otherwise the read fails with {@link ClassRefusedException} (never with a
 * silent fallback to a map), before the class is loaded.
 *
 * <p>fastjson2 writes some JDK types under short aliases ({@code LM} for
 * {@code java.util.LinkedHashMap}, {@code [O} for {@code Object[]}) and maps the JDK's
 * immutable collections to mutable ones; those aliases come from fastjson2's fixed table
 * ({@code TypeUtils.getMapping}) and are checked under the name of the class they map to.
 */
final class AllowlistTypeFilter implements JSONReader.AutoTypeBeforeHandler {

    /** Longer type names are malformed input. */
    static final int MAX_TYPE_NAME_LENGTH = 1024;
    /** The JVM's limit on array dimensions. */
    private static final int MAX_ARRAY_DIMENSIONS = 255;

    private final WeakReference<ClassAllowlist> allowlist;
    private final ClassLoader loader;

    AllowlistTypeFilter(WeakReference<ClassAllowlist> allowlist, ClassLoader loader) {
        this.allowlist = allowlist;
        this.loader = loader;
    }

    @Override
    public Class<?> apply(long typeNameHash, Class<?> expectClass, long features) {
        // Hashes are not checked: fastjson2 then asks by name.
        return null;
    }

    @Override
    public Class<?> apply(String typeName, Class<?> expectClass, long features) {
        if (typeName == null || typeName.isEmpty()) {
            throw new JSONException("empty type name");
        }
        if (typeName.length() > MAX_TYPE_NAME_LENGTH) {
            throw new JSONException("type name of " + typeName.length() + " characters is too long");
        }
        Class<?> mapped = TypeUtils.getMapping(typeName);
        String name = DefaultClassAllowlist.componentName(mapped != null ? mapped.getName() : typeName);
        if (DefaultClassAllowlist.isKnownGadget(typeName) || !isAllowed(name)) {
            throw refusal(name);
        }
        return mapped != null ? mapped : load(typeName);
    }

    /** Whether instances of {@code className} may be created from the bytes. */
    boolean isAllowed(String className) {
        if (DefaultClassAllowlist.isKnownGadget(className)) {
            return false;
        }
        ClassAllowlist current = allowlist.get();
        return current != null && current.allows(className);
    }

    static RefusedClass refusal(String className) {
        return new RefusedClass(new ClassRefusedException(className, DefaultClassAllowlist.isKnownGadget(className)));
    }

    /** Loads an allowed name without initialising it; array names in either JVM or fastjson2 form. */
    private Class<?> load(String typeName) {
        String binary = typeName;
        if (typeName.charAt(0) == '[') {
            int dims = 0;
            while (dims < typeName.length() && typeName.charAt(dims) == '[') {
                dims++;
            }
            if (dims > MAX_ARRAY_DIMENSIONS || dims == typeName.length()) {
                throw new JSONException("malformed array type name '" + typeName + "'");
            }
            String component = typeName.substring(dims);
            boolean descriptor = component.length() == 1
                    || (component.charAt(0) == 'L' && component.endsWith(";"));
            if (!descriptor) {
                binary = typeName.substring(0, dims) + 'L' + component + ';';
            }
        }
        try {
            return Class.forName(binary, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new JSONException("class " + typeName + " named by the input cannot be loaded: " + e, e);
        }
    }
}
