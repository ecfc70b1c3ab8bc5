package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.util.List;

/** {@code and}: true only when every instance answered true (the default for booleans). */
@Extension("and")
public final class AndMerger implements Merger<Boolean> {

    @Override
    public Boolean merge(List<Boolean> results) {
        for (Boolean b : results) {
            if (!b) {
                return Boolean.FALSE;
            }
        }
        return Boolean.TRUE;
    }
}
