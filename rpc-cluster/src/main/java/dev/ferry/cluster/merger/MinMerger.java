package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** {@code min}: the smallest number. */
@Extension("min")
public final class MinMerger implements Merger<Number> {

    @Override
    public Number merge(List<Number> results) {
        return Numbers.fold(results, "min", Math::min, Math::min, BigInteger::min, BigDecimal::min);
    }
}
