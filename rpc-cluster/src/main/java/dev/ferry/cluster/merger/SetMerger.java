package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code set}: the union of the results, in first-seen order. */
@Extension("set")
public final class SetMerger implements Merger<Set<?>> {

    @Override
    public Set<?> merge(List<Set<?>> results) {
        Set<Object> out = new LinkedHashSet<>();
        for (Set<?> r : results) {
            out.addAll(r);
        }
        return out;
    }
}
