package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.util.List;

/** {@code or}: true when any instance answered true. */
@Extension("or")
public final class OrMerger implements Merger<Boolean> {

    @Override
    public Boolean merge(List<Boolean> results) {
        for (Boolean b : results) {
            if (b) {
                return Boolean.TRUE;
            }
        }
        return Boolean.FALSE;
    }
}
