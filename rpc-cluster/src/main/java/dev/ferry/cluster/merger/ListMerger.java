package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.util.ArrayList;
import java.util.List;

/** {@code list}: every element of every result, in instance order (duplicates kept). */
@Extension("list")
public final class ListMerger implements Merger<List<?>> {

    @Override
    public List<?> merge(List<List<?>> results) {
        List<Object> out = new ArrayList<>();
        for (List<?> r : results) {
            out.addAll(r);
        }
        return out;
    }
}
