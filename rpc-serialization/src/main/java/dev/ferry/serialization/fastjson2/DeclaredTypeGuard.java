package dev.ferry.serialization.fastjson2;

import com.alibaba.fastjson2.JSONReader;
import com.alibaba.fastjson2.modules.ObjectReaderModule;
import com.alibaba.fastjson2.reader.ObjectReader;
import com.alibaba.fastjson2.reader.ObjectReaderProvider;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.DefaultClassAllowlist;

import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Checks the types fastjson2 creates without a name in the bytes: the declared type of a read
 * and the declared field types of the classes it builds. Registered ahead of fastjson2's own
 * modules, it hands out a reader that refuses for a concrete class the allowlist does not admit
 * (and always for {@code java.lang.Class}, whose reader would load whatever name the bytes
 * give), so an allowed class cannot smuggle in an instance of a refused field type.
 * Interfaces, abstract classes, {@code Object} and primitives are left to fastjson2: for those
 * the bytes must name a type, which {@link AllowlistTypeFilter} checks.
 */
final class DeclaredTypeGuard implements ObjectReaderModule {

    /**
     * JSONB's own scalar types: read from their type bytes, never built by reflection, and read
     * for the frame of every body (with an allowlist that admits nothing until the service is
     * known), so they need no allowlist entry.
     */
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Byte.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class, Character.class);

    private final WeakReference<ClassAllowlist> allowlist;

    DeclaredTypeGuard(WeakReference<ClassAllowlist> allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    public ObjectReader getObjectReader(ObjectReaderProvider provider, Type type) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            return null;
        }
        String refused = refusedDeclaredType(raw);
        return refused == null ? null : new RefusingReader(refused);
    }

    /** The element type's name when instances of {@code type} may not be created, else null. */
    String refusedDeclaredType(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element == Class.class) {
            return Class.class.getName();
        }
        if (element.isPrimitive() || element == Object.class || element.isInterface()
                || Modifier.isAbstract(element.getModifiers()) || SCALARS.contains(element)) {
            return null;
        }
        String name = element.getName();
        if (DefaultClassAllowlist.isKnownGadget(name)) {
            return name;
        }
        ClassAllowlist current = allowlist.get();
        return current != null && current.allows(name) ? null : name;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        if (type instanceof GenericArrayType g) {
            Class<?> component = rawClass(g.getGenericComponentType());
            return component == null ? null : Array.newInstance(component, 0).getClass();
        }
        return null;
    }

    /** Fails every use with the refusal; created instead of fastjson2's reader for the type. */
    private static final class RefusingReader implements ObjectReader {

        private final String className;

        RefusingReader(String className) {
            this.className = className;
        }

        private RefusedClass refuse() {
            return AllowlistTypeFilter.refusal(className);
        }

        @Override
        public Object readObject(JSONReader jsonReader, Type fieldType, Object fieldName, long features) {
            throw refuse();
        }

        @Override
        public Object readJSONBObject(JSONReader jsonReader, Type fieldType, Object fieldName, long features) {
            throw refuse();
        }

        @Override
        public Object createInstance(long features) {
            throw refuse();
        }

        @Override
        public Object createInstance(Map map, long features) {
            throw refuse();
        }
    }
}
