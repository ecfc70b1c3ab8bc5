package dev.ferry.cluster.merger;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.function.BinaryOperator;

/** Folds numbers of one type, keeping that type (an {@code int} method gets an {@code Integer}). */
final class Numbers {

    private Numbers() {
    }

    static Number fold(List<Number> values, String what, BinaryOperator<Long> longs, BinaryOperator<Double> doubles,
                       BinaryOperator<BigInteger> bigIntegers, BinaryOperator<BigDecimal> bigDecimals) {
        Number first = values.get(0);
        Class<?> type = first.getClass();
        for (Number n : values) {
            if (n.getClass() != type) {
                throw new IllegalArgumentException(what + " merger given both " + type.getSimpleName() + " and "
                        + n.getClass().getSimpleName());
            }
        }
        if (first instanceof BigInteger) {
            BigInteger acc = (BigInteger) first;
            for (int i = 1; i < values.size(); i++) {
                acc = bigIntegers.apply(acc, (BigInteger) values.get(i));
            }
            return acc;
        }
        if (first instanceof BigDecimal) {
            BigDecimal acc = (BigDecimal) first;
            for (int i = 1; i < values.size(); i++) {
                acc = bigDecimals.apply(acc, (BigDecimal) values.get(i));
            }
            return acc;
        }
        if (first instanceof Double || first instanceof Float) {
            double acc = first.doubleValue();
            for (int i = 1; i < values.size(); i++) {
                acc = doubles.apply(acc, values.get(i).doubleValue());
            }
            return first instanceof Float ? (Number) (float) acc : (Number) acc;
        }
        if (first instanceof Long || first instanceof Integer || first instanceof Short || first instanceof Byte) {
            long acc = first.longValue();
            for (int i = 1; i < values.size(); i++) {
                acc = longs.apply(acc, values.get(i).longValue());
            }
            if (first instanceof Long) {
                return acc;
            }
            if (first instanceof Integer) {
                return Math.toIntExact(acc);
            }
            if (first instanceof Short && acc >= Short.MIN_VALUE && acc <= Short.MAX_VALUE) {
                return (short) acc;
            }
            if (first instanceof Byte && acc >= Byte.MIN_VALUE && acc <= Byte.MAX_VALUE) {
                return (byte) acc;
            }
            throw new ArithmeticException(what + " of " + type.getSimpleName() + " values overflows: " + acc);
        }
        throw new IllegalArgumentException(what + " merger cannot merge " + type.getName());
    }
}
