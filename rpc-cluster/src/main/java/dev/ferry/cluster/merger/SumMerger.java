package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Merger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** {@code sum}: the sum, in the results' own number type, failing on overflow (the default for numbers). */
@Extension("sum")
public final class SumMerger implements Merger<Number> {

    @Override
    public Number merge(List<Number> results) {
        return Numbers.fold(results, "sum", Math::addExact, Double::sum, BigInteger::add, BigDecimal::add);
    }
}
