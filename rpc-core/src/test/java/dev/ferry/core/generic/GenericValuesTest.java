package dev.ferry.core.generic;

import dev.ferry.api.spi.ClassAllowlist;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenericValuesTest {

    public enum Level { LOW, HIGH }

    public static class Item {
        String sku;
        int count;
        BigDecimal price;
        transient String cache = "not sent";

        public Item() {
        }

        Item(String sku, int count, BigDecimal price) {
            this.sku = sku;
            this.count = count;
            this.price = price;
        }
    }

    public static class Order {
        long id;
        Level level;
        List<Item> items = new ArrayList<>();
        Map<String, Item> bySku = new HashMap<>();
        int[] codes;
        Order parent;
    }

    public static class SpecialItem extends Item {
        String note;

        public SpecialItem() {
        }
    }

    public record Point(int x, int y) {
    }

    public static class NoDefaultConstructor {
        final int v;

        public NoDefaultConstructor(int v) {
            this.v = v;
        }
    }

    private static final ClassAllowlist ALLOW = name -> name.startsWith("dev.ferry.core.generic.")
            || name.startsWith("java.");

    @Test
    void pojosBecomeMapsWithTheirClassAndComeBack() {
        Order o = new Order();
        o.id = 7;
        o.level = Level.HIGH;
        o.items.add(new Item("a", 2, new BigDecimal("1.50")));
        o.bySku.put("b", new Item("b", 1, null));
        o.codes = new int[]{1, 2};
        Map<?, ?> plain = assertInstanceOf(Map.class, GenericValues.generalize(o));
        assertEquals(Order.class.getName(), plain.get("class"));
        assertEquals(7L, plain.get("id"));
        assertEquals("HIGH", plain.get("level"));
        Map<?, ?> item = (Map<?, ?>) ((List<?>) plain.get("items")).get(0);
        assertEquals("a", item.get("sku"));
        assertTrue(!item.containsKey("cache"), "transient fields stay home");

        Order back = (Order) GenericValues.realize(plain, Order.class, ALLOW);
        assertEquals(7, back.id);
        assertEquals(Level.HIGH, back.level);
        assertEquals("a", back.items.get(0).sku);
        assertEquals(new BigDecimal("1.50"), back.items.get(0).price);
        assertEquals(1, back.bySku.get("b").count);
        assertArrayEquals(new int[]{1, 2}, back.codes);
    }

    @Test
    void plainValuesConvertToTheDeclaredTypes() throws Exception {
        assertEquals(5L, GenericValues.realize(5, long.class, ALLOW));
        assertEquals(3, GenericValues.realize(3L, int.class, ALLOW));
        assertEquals(0, GenericValues.realize(null, int.class, ALLOW));
        assertNull(GenericValues.realize(null, Integer.class, ALLOW));
        assertEquals('x', GenericValues.realize("x", char.class, ALLOW));
        assertEquals(true, GenericValues.realize("true", boolean.class, ALLOW));
        assertEquals(Level.LOW, GenericValues.realize("LOW", Level.class, ALLOW));
        assertEquals(new Point(1, 2), GenericValues.realize(Map.of("x", 1, "y", 2), Point.class, ALLOW));
        Type listOfLong = GenericValuesTest.class.getDeclaredField("longs").getGenericType();
        assertEquals(List.of(1L, 2L), GenericValues.realize(List.of(1, 2), listOfLong, ALLOW));
        Object set = GenericValues.realize(new Object[]{"a", "b"}, Set.class, ALLOW);
        assertEquals(Set.of("a", "b"), set);
        String[] strings = (String[]) GenericValues.realize(List.of("p", "q"), String[].class, ALLOW);
        assertArrayEquals(new String[]{"p", "q"}, strings);
    }

    @SuppressWarnings("unused")
    private List<Long> longs;

    @Test
    void aClassEntryPicksAnAllowedSubclass() {
        Map<String, Object> plain = new HashMap<>(Map.of("class", SpecialItem.class.getName(), "sku", "s", "note", "n"));
        Item item = (Item) GenericValues.realize(plain, Item.class, ALLOW);
        SpecialItem special = assertInstanceOf(SpecialItem.class, item);
        assertEquals("n", special.note);
        assertEquals("s", special.sku);
    }

    @Test
    void refusedUnknownOrUnrelatedClassesAreNeverInstantiated() {
        Map<String, Object> gadget = new HashMap<>(Map.of("class", "com.sun.rowset.JdbcRowSetImpl"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GenericValues.realize(gadget, Item.class, ALLOW));
        assertTrue(e.getMessage().contains("com.sun.rowset.JdbcRowSetImpl is not allowed"), e.getMessage());

        ClassAllowlist onlyItem = name -> name.equals(Item.class.getName());
        Map<String, Object> sub = new HashMap<>(Map.of("class", SpecialItem.class.getName()));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(sub, Item.class, onlyItem));
        assertThrows(IllegalArgumentException.class,
                () -> GenericValues.realize(Map.of("sku", "x"), Item.class, name -> false), "even the declared type");

        Map<String, Object> unrelated = new HashMap<>(Map.of("class", Order.class.getName()));
        e = assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(unrelated, Item.class, ALLOW));
        assertTrue(e.getMessage().contains("is not a " + Item.class.getName()), e.getMessage());

        Map<String, Object> missing = new HashMap<>(Map.of("class", "dev.ferry.core.generic.NoSuchClass"));
        e = assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(missing, Object.class, ALLOW));
        assertTrue(e.getMessage().contains("unknown class"), e.getMessage());

        Map<String, Object> notAString = new HashMap<>(Map.of("class", 42));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(notAString, Item.class, ALLOW));
    }

    @Test
    void mismatchesNameWhereTheyAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GenericValues.realize(Map.of("items", List.of(Map.of("count", "many"))), Order.class, ALLOW));
        assertTrue(e.getMessage().startsWith("at .items[0].count: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize("x", int.class, ALLOW));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(List.of(), Item.class, ALLOW));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize("MEDIUM", Level.class, ALLOW));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(5, List.class, ALLOW));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(Map.of("v", 1),
                NoDefaultConstructor.class, ALLOW));
        assertThrows(IllegalArgumentException.class, () -> GenericValues.realize(Map.of(), Runnable.class, ALLOW),
                "an interface needs a class entry");
    }

    @Test
    void hostileNestingIsRefusedNotFollowed() {
        Object deep = "leaf";
        for (int i = 0; i < 10_000; i++) {
            deep = List.of(deep);
        }
        Object value = deep;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GenericValues.realize(value, Object.class, ALLOW));
        assertTrue(e.getMessage().contains("deeper than"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GenericValues.generalize(value));
    }

    @Test
    void cyclesMapToTheSameMap() {
        Order o = new Order();
        o.parent = o;
        Map<?, ?> plain = (Map<?, ?>) GenericValues.generalize(o);
        assertSame(plain, plain.get("parent"));
    }

    @Test
    void jdkValuesStayAsTheyAre() {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("n", 1);
        assertEquals(m, GenericValues.generalize(m));
        assertEquals("s", GenericValues.generalize("s"));
        byte[] bytes = {1, 2};
        assertSame(bytes, GenericValues.generalize(bytes));
        assertNull(GenericValues.generalize(null));
    }
}
