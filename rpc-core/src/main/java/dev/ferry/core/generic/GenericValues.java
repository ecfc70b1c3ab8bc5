package dev.ferry.core.generic;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.core.codec.Types;
import dev.ferry.serialization.Primitives;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts between a service's own types and the plain form generic calls carry: JDK values,
 * lists, maps, and for each POJO a {@code Map} of its fields plus a {@code "class"} entry naming
 * its class (the shape Apache Dubbo's generic calls use).
 *
 * <p>{@link #realize} builds typed values from that plain form for a provider, and is the
 * place where generic calls meet the class allowlist: it instantiates only the declared
 * parameter types and, where a map names a {@code "class"}, only a class the allowlist allows
 * and that fits the declared type; the name is checked before any class is loaded. Nesting
 * deeper than {@value #MAX_DEPTH} levels is refused rather than followed.
 */
public final class GenericValues {

    /** The map entry naming a POJO's class. */
    public static final String CLASS_KEY = "class";
    /** Deepest nesting converted, both ways. */
    public static final int MAX_DEPTH = 64;

    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    private GenericValues() {
    }

    // ------------------------------------------------------------------ typed → plain

    /**
     * The plain form of {@code value}: JDK values unchanged, enums as their names, arrays of
     * objects, collections and maps converted element by element, and any other object as a
     * {@code Map} of its non-static, non-transient fields with a {@code "class"} entry. An
     * object met twice (a cycle) maps to the same map instance.
     *
     * @throws IllegalArgumentException when nesting exceeds {@value #MAX_DEPTH}
     */
    public static Object generalize(Object value) {
        return generalize(value, new IdentityHashMap<>(), 0);
    }

    private static Object generalize(Object value, Map<Object, Object> seen, int depth) {
        if (value == null || isPlain(value.getClass())) {
            return value;
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH + " levels");
        }
        Class<?> type = value.getClass();
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Class<?> c) {
            return c.getName();
        }
        Object done = seen.get(value);
        if (done != null) {
            return done;
        }
        if (type.isArray()) {
            int n = Array.getLength(value);
            Object[] out = new Object[n];
            seen.put(value, out);
            for (int i = 0; i < n; i++) {
                out[i] = generalize(Array.get(value, i), seen, depth + 1);
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            Collection<Object> out = value instanceof Set<?> ? new LinkedHashSet<>() : new ArrayList<>(c.size());
            seen.put(value, out);
            for (Object o : c) {
                out.add(generalize(o, seen, depth + 1));
            }
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            seen.put(value, out);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(generalize(e.getKey(), seen, depth + 1), generalize(e.getValue(), seen, depth + 1));
            }
            return out;
        }
        if (isJdk(type)) {
            // A JDK type this class does not know: let the serialization carry it as it is.
            return value;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        seen.put(value, out);
        out.put(CLASS_KEY, type.getName());
        for (Field f : fields(type)) {
            try {
                out.put(f.getName(), generalize(f.get(value), seen, depth + 1));
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ plain → typed

    /**
     * {@code value} (in plain form) as an instance of {@code type}.
     *
     * @param allowlist the classes that may be instantiated
     * @throws IllegalArgumentException with a message naming the path to the bad value when
     *                                  a value does not fit its type, a class is refused or
     *                                  unknown, or nesting exceeds {@value #MAX_DEPTH}
     */
    public static Object realize(Object value, Type type, ClassAllowlist allowlist) {
        return realize(value, type, allowlist, "", 0);
    }

    private static Object realize(Object value, Type type, ClassAllowlist allowlist, String path, int depth) {
        Class<?> raw = Types.raw(type);
        if (value == null) {
            return raw.isPrimitive() ? Types.zero(raw) : null;
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(at(path) + "value nested deeper than " + MAX_DEPTH + " levels");
        }
        if (raw.isPrimitive() || Number.class.isAssignableFrom(raw) || raw == Boolean.class || raw == Character.class
                || raw == String.class) {
            return scalar(value, raw, path);
        }
        if (raw.isEnum()) {
            return enumConstant(value, raw, allowlist, path);
        }
        if (raw.isArray()) {
            return array(value, raw.getComponentType(), allowlist, path, depth);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            return collection(value, raw, typeArgument(type, 0), allowlist, path, depth);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(value instanceof Map<?, ?> m)) {
                throw mismatch(path, value, raw);
            }
            return map(m, raw, typeArgument(type, 0), typeArgument(type, 1), allowlist, path, depth);
        }
        if (value instanceof Map<?, ?> m && !isJdk(raw) || raw == Object.class && value instanceof Map<?, ?> named
                && named.get(CLASS_KEY) instanceof String) {
            return pojo((Map<?, ?>) value, raw, allowlist, path, depth);
        }
        if (raw == Object.class && value instanceof Collection<?> c) {
            return collection(c, List.class, Object.class, allowlist, path, depth);
        }
        if (raw == Object.class && value instanceof Map<?, ?> m) {
            return map(m, LinkedHashMap.class, Object.class, Object.class, allowlist, path, depth);
        }
        if (raw.isInstance(value)) {
            return value;
        }
        throw mismatch(path, value, raw);
    }

    private static Object scalar(Object value, Class<?> raw, String path) {
        Class<?> boxed = Primitives.boxed(raw);
        if (boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (boxed == Integer.class) {
                return n.intValue();
            }
            if (boxed == Long.class) {
                return n.longValue();
            }
            if (boxed == Double.class) {
                return n.doubleValue();
            }
            if (boxed == Float.class) {
                return n.floatValue();
            }
            if (boxed == Short.class) {
                return n.shortValue();
            }
            if (boxed == Byte.class) {
                return n.byteValue();
            }
            if (boxed == BigDecimal.class) {
                return new BigDecimal(n.toString());
            }
            if (boxed == BigInteger.class) {
                return new BigInteger(n.toString());
            }
            if (boxed == Number.class) {
                return n;
            }
        }
        if (value instanceof String s) {
            if (boxed == Character.class && s.length() == 1) {
                return s.charAt(0);
            }
            try {
                if (boxed == Integer.class) {
                    return Integer.valueOf(s.trim());
                }
                if (boxed == Long.class) {
                    return Long.valueOf(s.trim());
                }
                if (boxed == Boolean.class && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.valueOf(s);
                }
                if (boxed == BigDecimal.class) {
                    return new BigDecimal(s.trim());
                }
            } catch (NumberFormatException e) {
                throw mismatch(path, value, raw);
            }
        }
        if (boxed == String.class && value instanceof Character c) {
            return String.valueOf(c);
        }
        throw mismatch(path, value, raw);
    }

    private static Object enumConstant(Object value, Class<?> raw, ClassAllowlist allowlist, String path) {
        if (raw.isInstance(value)) {
            return value;
        }
        String name = value instanceof String s ? s
                : value instanceof Map<?, ?> m && m.get("name") instanceof String n ? n : null;
        if (name == null) {
            throw mismatch(path, value, raw);
        }
        requireAllowed(raw.getName(), allowlist, path);
        for (Object constant : raw.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(at(path) + "'" + TypeNames.shown(name) + "' is not a constant of " + raw.getName());
    }

    private static Object array(Object value, Class<?> component, ClassAllowlist allowlist, String path, int depth) {
        List<?> items = asList(value);
        if (items == null) {
            throw mismatch(path, value, component.arrayType());
        }
        Object out = Array.newInstance(component, items.size());
        for (int i = 0; i < items.size(); i++) {
            Array.set(out, i, realize(items.get(i), component, allowlist, path + "[" + i + "]", depth + 1));
        }
        return out;
    }

    private static Object collection(Object value, Class<?> raw, Type element, ClassAllowlist allowlist, String path,
                                     int depth) {
        List<?> items = asList(value);
        if (items == null) {
            throw mismatch(path, value, raw);
        }
        Collection<Object> out = newCollection(raw, allowlist, path);
        for (int i = 0; i < items.size(); i++) {
            out.add(realize(items.get(i), element, allowlist, path + "[" + i + "]", depth + 1));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> newCollection(Class<?> raw, ClassAllowlist allowlist, String path) {
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
            if (SortedSet.class.isAssignableFrom(raw)) {
                return new TreeSet<>();
            }
            if (Set.class.isAssignableFrom(raw)) {
                return new LinkedHashSet<>();
            }
            return new ArrayList<>();
        }
        return (Collection<Object>) instantiate(raw, allowlist, path);
    }

    @SuppressWarnings("unchecked")
    private static Object map(Map<?, ?> value, Class<?> raw, Type keyType, Type valueType, ClassAllowlist allowlist,
                              String path, int depth) {
        Map<Object, Object> out;
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
            out = SortedMap.class.isAssignableFrom(raw) ? new TreeMap<>() : new LinkedHashMap<>();
        } else {
            out = (Map<Object, Object>) instantiate(raw, allowlist, path);
        }
        for (Map.Entry<?, ?> e : value.entrySet()) {
            String at = path + "[" + (e.getKey() instanceof String s ? TypeNames.shown(s) : "key") + "]";
            out.put(realize(e.getKey(), keyType, allowlist, at, depth + 1),
                    realize(e.getValue(), valueType, allowlist, at, depth + 1));
        }
        return out;
    }

    private static Object pojo(Map<?, ?> map, Class<?> declared, ClassAllowlist allowlist, String path, int depth) {
        Class<?> type = declared;
        Object named = map.get(CLASS_KEY);
        if (named != null) {
            if (!(named instanceof String name)) {
                throw new IllegalArgumentException(at(path) + "the '" + CLASS_KEY + "' entry is not a string");
            }
            if (!name.equals(declared.getName())) {
                requireAllowed(name, allowlist, path);
                type = load(name, declared, path);
                if (!declared.isAssignableFrom(type)) {
                    throw new IllegalArgumentException(at(path) + "class " + name + " is not a " + declared.getName());
                }
            }
        }
        requireAllowed(type.getName(), allowlist, path);
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type == Object.class) {
            throw new IllegalArgumentException(at(path) + "a map cannot become a " + type.getName()
                    + " without a '" + CLASS_KEY + "' entry naming a concrete class");
        }
        if (type.isRecord()) {
            return record(map, type, allowlist, path, depth);
        }
        Object out = instantiate(type, allowlist, path);
        for (Field f : fields(type)) {
            if (!map.containsKey(f.getName()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            Object v = realize(map.get(f.getName()), f.getGenericType(), allowlist, path + "." + f.getName(), depth + 1);
            try {
                f.set(out, v);
            } catch (IllegalAccessException | IllegalArgumentException e) {
                throw new IllegalArgumentException(at(path + "." + f.getName()) + "cannot set: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Object record(Map<?, ?> map, Class<?> type, ClassAllowlist allowlist, String path, int depth) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            args[i] = realize(map.get(c.getName()), c.getGenericType(), allowlist, path + "." + c.getName(), depth + 1);
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(at(path) + "cannot build " + type.getName() + ": " + e, e);
        }
    }

    private static Object instantiate(Class<?> type, ClassAllowlist allowlist, String path) {
        requireAllowed(type.getName(), allowlist, path);
        try {
            Constructor<?> ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(at(path) + type.getName() + " has no no-argument constructor");
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(at(path) + "cannot create " + type.getName() + ": " + e, e);
        }
    }

    private static Class<?> load(String name, Class<?> declared, String path) {
        ClassLoader loader = declared.getClassLoader() != null ? declared.getClassLoader()
                : GenericValues.class.getClassLoader();
        try {
            // Not initialised: a class whose name passed the allowlist still runs no code here.
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(at(path) + "unknown class " + name);
        }
    }

    private static void requireAllowed(String className, ClassAllowlist allowlist, String path) {
        if (!allowlist.allows(className)) {
            throw new IllegalArgumentException(at(path) + "class " + TypeNames.shown(className) + " is not allowed");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<?> asList(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value != null && value.getClass().isArray()) {
            int n = Array.getLength(value);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(Array.get(value, i));
            }
            return out;
        }
        return null;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    /** Non-static, non-transient fields of {@code type} and its superclasses, accessible. */
    private static List<Field> fields(Class<?> type) {
        return FIELDS.computeIfAbsent(type, t -> {
            List<Field> out = new ArrayList<>();
            for (Class<?> c = t; c != null && c != Object.class && !isJdk(c); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()) {
                        continue;
                    }
                    f.setAccessible(true);
                    out.add(f);
                }
            }
            return List.copyOf(out);
        });
    }

    private static boolean isPlain(Class<?> type) {
        return type == String.class || type == Integer.class || type == Long.class || type == Boolean.class
                || type == Double.class || type == Float.class || type == Short.class || type == Byte.class
                || type == Character.class || type == BigDecimal.class || type == BigInteger.class
                || type == UUID.class || Date.class.isAssignableFrom(type)
                || type.getName().startsWith("java.time.")
                || type.isArray() && type.getComponentType().isPrimitive();
    }

    private static boolean isJdk(Class<?> type) {
        String n = type.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.");
    }

    private static IllegalArgumentException mismatch(String path, Object value, Class<?> target) {
        return new IllegalArgumentException(at(path) + "a " + value.getClass().getName() + " cannot become a "
                + target.getTypeName());
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : "at " + path + ": ";
    }
}
