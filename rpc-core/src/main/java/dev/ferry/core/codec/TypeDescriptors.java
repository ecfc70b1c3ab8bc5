package dev.ferry.core.codec;

import java.lang.reflect.Method;

/**
 * JVM type descriptors, the form in which a Dubbo request names its parameter types
 * ({@code Ljava/lang/String;I} for {@code (String, int)}).
 */
public final class TypeDescriptors {

    private TypeDescriptors() {
    }

    /** The concatenated descriptors of {@code types}. */
    public static String of(Class<?>[] types) {
        if (types.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(types.length * 16);
        for (Class<?> t : types) {
            append(sb, t);
        }
        return sb.toString();
    }

    /** {@code name(descriptor)}: a key that tells overloads apart. */
    public static String methodKey(Method method) {
        return methodKey(method.getName(), of(method.getParameterTypes()));
    }

    public static String methodKey(String name, String descriptor) {
        return name + '(' + descriptor + ')';
    }

    private static void append(StringBuilder sb, Class<?> t) {
        while (t.isArray()) {
            sb.append('[');
            t = t.getComponentType();
        }
        if (t.isPrimitive()) {
            sb.append(t == int.class ? 'I' : t == long.class ? 'J' : t == boolean.class ? 'Z'
                    : t == byte.class ? 'B' : t == char.class ? 'C' : t == short.class ? 'S'
                    : t == double.class ? 'D' : t == float.class ? 'F' : 'V');
        } else {
            sb.append('L').append(t.getName().replace('.', '/')).append(';');
        }
    }
}
