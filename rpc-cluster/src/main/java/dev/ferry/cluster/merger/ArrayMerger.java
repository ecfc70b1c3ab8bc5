package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.lang.reflect.Array;
import java.util.List;

/**
 * {@code array}: the results' elements, concatenated in instance order, into an array of the
 * first result's component type; primitive arrays ({@code int[]}, {@code boolean[]} …) included.
 */
@Extension("array")
public final class ArrayMerger implements Merger<Object> {

    @Override
    public Object merge(List<Object> results) {
        Object first = results.get(0);
        if (!first.getClass().isArray()) {
            throw new IllegalArgumentException("array merger given a " + first.getClass().getName());
        }
        int length = 0;
        for (Object r : results) {
            if (r.getClass() != first.getClass()) {
                throw new IllegalArgumentException("array merger given both " + first.getClass().getSimpleName()
                        + " and " + r.getClass().getSimpleName());
            }
            length += Array.getLength(r);
        }
        Object out = Array.newInstance(first.getClass().getComponentType(), length);
        int at = 0;
        for (Object r : results) {
            int n = Array.getLength(r);
            System.arraycopy(r, 0, out, at, n);
            at += n;
        }
        return out;
    }
}
