package dev.ferry.api.spi;

import java.util.List;

/**
 * Combines the results that several provider instances returned for one call into the single
 * value the caller receives (the {@code mergeable} cluster strategy).
 *
 * <p>Implementations are extensions: list one in {@code META-INF/services/dev.ferry.api.spi.Merger},
 * name it with {@link Extension}, and pick it per call by that name. A merger whose type
 * argument is a concrete type (for example {@code Merger<Inventory>}) is also chosen
 * automatically for methods returning that type.
 *
 * @param <T> the type of value merged
 */
@FunctionalInterface
public interface Merger<T> {

    /**
     * The merged value.
     *
     * @param results the non-null values the instances returned, in instance order; at least two
     */
    T merge(List<T> results);
}
