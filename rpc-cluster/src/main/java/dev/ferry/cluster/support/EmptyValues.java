package dev.ferry.cluster.support;

import dev.ferry.core.codec.Types;

import java.lang.reflect.Array;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The value a call returns when a strategy swallows its failure (failsafe, failback): a
 * primitive's zero, an empty {@link Optional}, collection, map or array; null for anything else.
 * Dubbo returns null for all of these, which callers then trip over.
 */
final class EmptyValues {

    private EmptyValues() {
    }

    static Object of(Type returnType) {
        Class<?> raw = Types.raw(returnType);
        if (raw.isPrimitive()) {
            return Types.zero(raw);
        }
        if (raw.isArray()) {
            return Array.newInstance(raw.getComponentType(), 0);
        }
        if (raw == Optional.class) {
            return Optional.empty();
        }
        if (raw == OptionalInt.class) {
            return OptionalInt.empty();
        }
        if (raw == OptionalLong.class) {
            return OptionalLong.empty();
        }
        if (raw == OptionalDouble.class) {
            return OptionalDouble.empty();
        }
        // Only interfaces get an empty value: a concrete collection class promises its own type.
        if (raw == List.class || raw == Collection.class || raw == Iterable.class) {
            return List.of();
        }
        if (raw == Set.class) {
            return Set.of();
        }
        if (raw == Map.class) {
            return Map.of();
        }
        return null;
    }
}
