package dev.ferry.serialization.protobuf;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/** The parser of each generated message class, found through its {@code getDefaultInstance()}. */
final class Messages {

    private static final ClassValue<Parser<?>> PARSERS = new ClassValue<>() {
        @Override
        protected Parser<?> computeValue(Class<?> type) {
            try {
                Method method = type.getMethod("getDefaultInstance");
                if (!Modifier.isStatic(method.getModifiers()) || !type.isAssignableFrom(method.getReturnType())) {
                    return null;
                }
                return ((MessageLite) method.invoke(null)).getParserForType();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    };

    private Messages() {
    }

    /** The parser of {@code type}, or null when it is not a generated message class. */
    static Parser<?> parser(Class<?> type) {
        if (!MessageLite.class.isAssignableFrom(type) || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return null;
        }
        return PARSERS.get(type);
    }
}
