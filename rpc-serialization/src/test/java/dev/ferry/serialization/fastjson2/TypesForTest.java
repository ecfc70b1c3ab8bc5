package dev.ferry.serialization.fastjson2;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/** The erasure of a type, for typed reads in tests. */
final class TypesForTest {

    private TypesForTest() {
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        return Object.class;
    }
}
