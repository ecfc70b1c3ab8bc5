package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** {@code max}: the largest number. */
@Extension("max")
public final class MaxMerger implements Merger<Number> {

    @Override
    public Number merge(List<Number> results) {
        return Numbers.fold(results, "max", Math::max, Math::max, BigInteger::max, BigDecimal::max);
    }
}
