package dev.ferry.cluster.merger;

import dev.ferry.api.spi.Merger;
import dev.ferry.core.extension.ExtensionRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in mergers, automatic choice by return type, Dubbo's ".method" form and user mergers. */
class MergersTest {

    private final Mergers mergers = new Mergers(ExtensionRegistry.shared());

    private Object merge(String spec, Type type, Object... values) {
        return mergers.merge(spec, type, new ArrayList<>(List.of(values)));
    }

    @Test
    void collectionsAndMaps() {
        assertEquals(List.of(1, 2, 2, 3), merge("auto", List.class, List.of(1, 2), List.of(2, 3)));
        assertEquals(List.of(1, 2, 2, 3), merge("auto", ArrayList.class, new ArrayList<>(List.of(1, 2)), List.of(2, 3)));
        assertEquals(new LinkedHashSet<>(List.of(1, 2, 3)), merge("auto", Set.class, Set.of(1, 2), Set.of(2, 3)));
        Map<?, ?> m = (Map<?, ?>) merge("auto", Map.class, Map.of("a", 1, "b", 2), Map.of("b", 3));
        assertEquals(Map.of("a", 1, "b", 3), m, "the later instance wins a shared key");
        assertEquals(List.of("x", "y"), merge("list", Object.class, List.of("x"), List.of("y")));
    }

    @Test
    void arraysOfAnyComponentType() {
        assertArrayEquals(new int[]{1, 2, 3}, (int[]) merge("auto", int[].class, new int[]{1}, new int[]{2, 3}));
        assertArrayEquals(new boolean[]{true, false}, (boolean[]) merge("auto", boolean[].class, new boolean[]{true}, new boolean[]{false}));
        assertArrayEquals(new String[]{"a", "b"}, (String[]) merge("auto", String[].class, new String[]{"a"}, new String[]{"b"}));
        assertArrayEquals(new byte[]{1, 2}, (byte[]) merge("array", byte[].class, new byte[]{1}, new byte[]{2}));
        assertThrows(IllegalArgumentException.class, () -> merge("array", Object.class, new int[]{1}, new long[]{2}));
        assertThrows(IllegalArgumentException.class, () -> merge("array", Object.class, "not", "arrays"));
    }

    @Test
    void booleansAndNumbers() {
        assertEquals(true, merge("auto", boolean.class, true, true));
        assertEquals(false, merge("auto", Boolean.class, true, false));
        assertEquals(true, merge("or", boolean.class, false, true));
        assertEquals(6, merge("auto", int.class, 1, 2, 3));
        assertInstanceOf(Integer.class, merge("sum", int.class, 1, 2));
        assertEquals(6L, merge("auto", Long.class, 1L, 5L));
        assertEquals(3.5, merge("auto", double.class, 1.5, 2.0));
        assertEquals(2.5f, merge("sum", float.class, 1.0f, 1.5f));
        assertEquals(new BigDecimal("3.3"), merge("auto", BigDecimal.class, new BigDecimal("1.1"), new BigDecimal("2.2")));
        assertEquals(BigInteger.TEN, merge("auto", BigInteger.class, BigInteger.ONE, BigInteger.valueOf(9)));
        assertEquals(9, merge("max", int.class, 3, 9, 4));
        assertEquals(3, merge("min", int.class, 3, 9, 4));
        assertEquals((short) 7, merge("sum", short.class, (short) 3, (short) 4));
        assertThrows(ArithmeticException.class, () -> merge("sum", int.class, Integer.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> merge("sum", byte.class, (byte) 100, (byte) 100));
        assertThrows(IllegalArgumentException.class, () -> merge("sum", Number.class, 1, 2L));
    }

    @Test
    void dubbosMethodForm() {
        Tally merged = (Tally) merge(".plus", Tally.class, new Tally(1), new Tally(2), new Tally(4));
        assertEquals(7, merged.n);
        Counter c = (Counter) merge(".add", Counter.class, new Counter(1), new Counter(5));
        assertEquals(6, c.n, "a void method changes the first result in place");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> merge(".nope", Tally.class, new Tally(1), new Tally(2)));
        assertTrue(e.getMessage().contains("no public method nope"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> merge(".explode", Tally.class, new Tally(1), new Tally(2)));
        for (String junk : new String[]{".", "..", ".getClass", ". plus", ".wait"}) {
            assertThrows(IllegalArgumentException.class, () -> merge(junk, Tally.class, new Tally(1), new Tally(2)), junk);
        }
        assertEquals(List.of(1, 2), merge("  ", List.class, List.of(1), List.of(2)), "a blank spec means auto");
    }

    @Test
    void userMergersAreChosenByTheirDeclaredType() {
        ExtensionRegistry ext = new ExtensionRegistry(getClass().getClassLoader());
        ext.register(Merger.class, "tally", new TallyMerger());
        Mergers withUser = new Mergers(ext);
        assertEquals(30, ((Tally) withUser.merge("auto", Tally.class, List.of(new Tally(10), new Tally(20)))).n);
        assertEquals(30, ((Tally) withUser.merge("tally", Tally.class, List.of(new Tally(10), new Tally(20)))).n);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mergers.merge("auto", Thread.class, List.of(new Object(), new Object())));
        assertTrue(e.getMessage().contains("no merger for results of type java.lang.Thread"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mergers.merge("no-such", List.class, List.of(List.of(), List.of())));
    }

    /** A result type with its own merge method. */
    public static final class Tally {
        final int n;

        public Tally(int n) {
            this.n = n;
        }

        public Tally plus(Tally other) {
            return new Tally(n + other.n);
        }

        public Tally explode(Tally other) {
            throw new IllegalStateException("no");
        }
    }

    /** A result type merged in place. */
    public static final class Counter {
        int n;

        public Counter(int n) {
            this.n = n;
        }

        public void add(Counter other) {
            n += other.n;
        }
    }

    static final class TallyMerger implements Merger<Tally> {
        @Override
        public Tally merge(List<Tally> results) {
            return new Tally(results.stream().mapToInt(t -> t.n).sum());
        }
    }
}
