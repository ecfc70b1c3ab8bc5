package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Merger;
import dev.ferry.core.codec.Types;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.serialization.Primitives;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the {@link Merger} a call names and applies it. A spec is a merger's name,
 * {@code auto} (by the method's return type: arrays, lists, sets, maps, booleans with
 * {@code and}, numbers with {@code sum}, else a user merger declared for that type), or
 * {@code .method} (Dubbo's form: the first result's method {@code method(T)} is called with each
 * other result, and its return value, when it is a {@code T}, carries on).
 */
public final class Mergers {

    /** The spec that picks a merger by return type. */
    public static final String AUTO = "auto";

    private final ExtensionRegistry extensions;

    public Mergers(ExtensionRegistry extensions) {
        this.extensions = Objects.requireNonNull(extensions, "extensions");
    }

    /**
     * {@code values} merged as {@code spec} says.
     *
     * @param returnType the method's declared return type
     * @param values     at least two non-null results
     * @throws IllegalArgumentException when the spec names nothing that can merge these values
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object merge(String spec, Type returnType, List<Object> values) {
        Class<?> raw = Primitives.boxed(Types.raw(returnType));
        if (spec == null || spec.isBlank()) {
            spec = AUTO;
        }
        spec = spec.trim();
        if (spec.startsWith(".")) {
            return mergeByMethod(spec.substring(1), raw, values);
        }
        Merger merger = AUTO.equals(spec) ? byType(raw) : byName(spec);
        try {
            return merger.merge(values);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("merger '" + spec + "' cannot merge results of type " + raw.getName(), e);
        }
    }

    private Merger<?> byName(String name) {
        return extensions.get(Merger.class, name);
    }

    private Merger<?> byType(Class<?> type) {
        if (type.isArray()) {
            return byName("array");
        }
        if (type == Boolean.class) {
            return byName("and");
        }
        if (Number.class.isAssignableFrom(type)) {
            return byName("sum");
        }
        if (List.class.isAssignableFrom(type) || type == Collection.class) {
            return byName("list");
        }
        if (Set.class.isAssignableFrom(type)) {
            return byName("set");
        }
        if (Map.class.isAssignableFrom(type)) {
            return byName("map");
        }
        Merger<?> best = null;
        Class<?> bestType = null;
        for (String name : extensions.names(Merger.class)) {
            Merger<?> m = extensions.get(Merger.class, name);
            Class<?> declared = declaredType(m.getClass());
            if (declared == null || declared == Object.class || !declared.isAssignableFrom(type)) {
                continue;
            }
            if (best == null || bestType.isAssignableFrom(declared)) {
                best = m;
                bestType = declared;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no merger for results of type " + type.getName()
                    + "; name one with ClusterOptions.MERGER (known: " + extensions.names(Merger.class) + ")");
        }
        return best;
    }

    private static Object mergeByMethod(String name, Class<?> type, List<Object> values) {
        Method method;
        try {
            method = type.getMethod(name, type);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("cannot merge with '." + name + "': " + type.getName()
                    + " has no public method " + name + "(" + type.getSimpleName() + ")");
        }
        if (Modifier.isStatic(method.getModifiers())) {
            throw new IllegalArgumentException("cannot merge with '." + name + "': the method is static");
        }
        Object acc = values.get(0);
        try {
            for (int i = 1; i < values.size(); i++) {
                Object returned = method.invoke(acc, values.get(i));
                if (returned != null && type.isInstance(returned)) {
                    acc = returned;
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot merge with '." + name + "': " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("merging with '." + name + "' failed: " + e.getCause(), e.getCause());
        }
        return acc;
    }

    /** The {@code T} of a class implementing {@code Merger<T>}, erased; null when it cannot be told. */
    static Class<?> declaredType(Class<?> cls) {
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == Merger.class) {
                    return Types.raw(p.getActualTypeArguments()[0]);
                }
            }
        }
        return null;
    }
}
