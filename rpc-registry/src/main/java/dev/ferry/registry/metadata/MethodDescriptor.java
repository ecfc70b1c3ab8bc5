package dev.ferry.registry.metadata;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One method of a service as its metadata describes it: name, parameter types and return
 * type, written as Java writes generic type names ({@code java.util.List<java.lang.String>}).
 *
 * @param name           method name
 * @param parameterTypes parameter type names, in order
 * @param returnType     return type name ({@code void} for none)
 */
public record MethodDescriptor(String name, List<String> parameterTypes, String returnType) {

    public MethodDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(returnType, "returnType");
        parameterTypes = List.copyOf(parameterTypes);
        if (name.isEmpty() || returnType.isEmpty() || parameterTypes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("method descriptor with an empty name or type: " + name);
        }
    }

    /** The descriptor of a Java method. */
    public static MethodDescriptor of(Method m) {
        return new MethodDescriptor(m.getName(),
                Arrays.stream(m.getGenericParameterTypes()).map(Type::getTypeName).toList(),
                m.getGenericReturnType().getTypeName());
    }

    /** {@code returnType name(parameterType, …)}. */
    @Override
    public String toString() {
        return returnType + " " + name + "(" + String.join(", ", parameterTypes) + ")";
    }
}
