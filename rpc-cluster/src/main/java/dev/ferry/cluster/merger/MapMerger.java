package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code map}: every entry of every result; for a key several instances return, the later instance's value wins (as in Dubbo). */
@Extension("map")
public final class MapMerger implements Merger<Map<?, ?>> {

    @Override
    public Map<?, ?> merge(List<Map<?, ?>> results) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map<?, ?> r : results) {
            out.putAll(r);
        }
        return out;
    }
}
