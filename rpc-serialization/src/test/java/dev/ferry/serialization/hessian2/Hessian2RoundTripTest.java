package dev.ferry.serialization.hessian2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Page;
import dev.ferry.serialization.fixtures.Point;
import dev.ferry.serialization.fixtures.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ferry.serialization.hessian2.Wire.read;
import static dev.ferry.serialization.hessian2.Wire.write;
import static dev.ferry.serialization.hessian2.Wire.writeObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Hessian2RoundTripTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowTypesOf(OrderService.class)
            .build();

    private static Object roundTrip(Object value) throws IOException {
        return read(writeObject(value), ALLOWLIST).readObject();
    }

    private static Object roundTrip(Object value, Class<?> type) throws IOException {
        return read(writeObject(value), ALLOWLIST).readObject(type, type);
    }

    @Test
    void idAndName() {
        assertEquals(2, Wire.HESSIAN2.id());
        assertEquals("hessian2", Hessian2Serialization.class.getAnnotation(dev.ferry.api.spi.Extension.class).value());
    }

    @Test
    void primitivesAndBoxes() throws IOException {
        assertEquals(42, roundTrip(42));
        assertEquals(Integer.MIN_VALUE, roundTrip(Integer.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, roundTrip(Long.MAX_VALUE));
        assertEquals(3.25d, roundTrip(3.25d));
        assertEquals(true, roundTrip(true));
        // hessian has no byte, short, float or char tags: untyped, they come back widened
        assertEquals(7, roundTrip((byte) 7));
        assertEquals(300, roundTrip((short) 300));
        assertEquals(1.5d, roundTrip(1.5f));
        assertEquals("x", roundTrip('x'));
        // ... and typed reads (how RPC arguments are read) restore the declared type
        assertEquals((byte) 7, roundTrip((byte) 7, Byte.class));
        assertEquals((byte) 7, roundTrip((byte) 7, byte.class));
        assertEquals((short) 300, roundTrip((short) 300, Short.class));
        assertEquals(1.5f, roundTrip(1.5f, Float.class));
        assertEquals('x', roundTrip('x', char.class));
        assertEquals(42L, roundTrip(42L, long.class));
        assertEquals(42, roundTrip(42, Integer.class));
    }

    @Test
    void strings() throws IOException {
        assertEquals("", roundTrip(""));
        String unicode = "héllo wörld · 中文 · 😀 · 𝄞 · \u0000 end";
        assertEquals(unicode, roundTrip(unicode));
        // long enough to be split into chunks, with surrogate pairs all along
        String longText = "😀a".repeat(40_000);
        assertEquals(longText, roundTrip(longText));
        assertEquals(unicode, read(write(out -> out.writeUTF(unicode)), ALLOWLIST).readUTF());
    }

    @Test
    void numbersAndTime() throws IOException {
        assertEquals(new BigDecimal("12345.678901234567890123"), roundTrip(new BigDecimal("12345.678901234567890123")));
        assertEquals(new BigInteger("123456789012345678901234567890"), roundTrip(new BigInteger("123456789012345678901234567890")));
        LocalDate date = LocalDate.of(2024, 2, 29);
        LocalDateTime dateTime = LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_789);
        Instant instant = Instant.ofEpochSecond(1_700_000_000L, 987_654_321);
        Duration duration = Duration.ofHours(25).plusNanos(7);
        assertEquals(date, roundTrip(date));
        assertEquals(date, roundTrip(date, LocalDate.class));
        assertEquals(instant, roundTrip(instant, Instant.class));
        assertEquals(dateTime, roundTrip(dateTime));
        assertEquals(instant, roundTrip(instant));
        assertEquals(dateTime, roundTrip(dateTime, LocalDateTime.class));
        assertEquals(duration, roundTrip(duration));
        assertEquals(LocalTime.NOON, roundTrip(LocalTime.NOON));
        ZonedDateTime zoned = ZonedDateTime.of(dateTime, java.time.ZoneId.of("Europe/Paris"));
        assertEquals(zoned, roundTrip(zoned));
        OffsetDateTime offset = OffsetDateTime.of(dateTime, ZoneOffset.ofHours(-3));
        assertEquals(offset, roundTrip(offset));
        Date legacy = new Date(1_700_000_000_123L);
        assertEquals(legacy, roundTrip(legacy));
        Timestamp timestamp = new Timestamp(1_700_000_000_123L);
        assertEquals(timestamp, roundTrip(timestamp));
        UUID uuid = UUID.randomUUID();
        assertEquals(uuid, roundTrip(uuid));
    }

    @Test
    void enums() throws IOException {
        assertSame(Status.NEW, roundTrip(Status.NEW));
        // a constant with a body is its own subclass; it travels as the enum
        assertSame(Status.PAID, roundTrip(Status.PAID));
    }

    @Test
    void nullValue() throws IOException {
        assertNull(roundTrip(null));
        assertNull(roundTrip(null, Order.class));
    }

    @Test
    void arrays() throws IOException {
        assertArrayEquals(new int[] {1, -2, 3}, (int[]) roundTrip(new int[] {1, -2, 3}));
        assertArrayEquals(new long[] {1L, Long.MIN_VALUE}, (long[]) roundTrip(new long[] {1L, Long.MIN_VALUE}));
        assertArrayEquals(new String[] {"a", null, "c"}, (String[]) roundTrip(new String[] {"a", null, "c"}));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
        assertArrayEquals(new Object[] {1, "two", null}, (Object[]) roundTrip(new Object[] {1, "two", null}));
        OrderLine[] lines = {new OrderLine("a", 1), new OrderLine("b", 2)};
        assertArrayEquals(lines, (OrderLine[]) roundTrip(lines));
        int[][] matrix = {{1, 2}, {3}};
        int[][] back = (int[][]) roundTrip(matrix);
        assertArrayEquals(matrix[0], back[0]);
        assertArrayEquals(matrix[1], back[1]);
    }

    @Test
    void largeArraysGrowAsTheyAreRead() throws IOException {
        // longer than GuardedDeserializer.EAGER_ARRAY_LENGTH, so read by the growing path
        int n = 10_000;
        int[] ints = new int[n];
        double[] doubles = new double[n];
        boolean[] flags = new boolean[n];
        short[] shorts = new short[n];
        float[] floats = new float[n];
        String[] strings = new String[n];
        OrderLine[] lines = new OrderLine[n];
        OrderLine shared = new OrderLine("shared", 1);
        for (int i = 0; i < n; i++) {
            ints[i] = i * 31;
            doubles[i] = i / 3.0;
            flags[i] = i % 3 == 0;
            shorts[i] = (short) i;
            floats[i] = i / 4f;
            strings[i] = "s" + i;
            lines[i] = i % 2 == 0 ? shared : new OrderLine("l" + i, i);
        }
        assertArrayEquals(ints, (int[]) roundTrip(ints));
        assertArrayEquals(doubles, (double[]) roundTrip(doubles));
        assertArrayEquals(flags, (boolean[]) roundTrip(flags));
        assertArrayEquals(shorts, (short[]) roundTrip(shorts));
        assertArrayEquals(floats, (float[]) roundTrip(floats));
        assertArrayEquals(strings, (String[]) roundTrip(strings));
        OrderLine[] back = (OrderLine[]) roundTrip(lines);
        assertArrayEquals(lines, back);
        assertSame(back[0], back[2], "shared references survive");
        // the array itself referenced twice, after it: its back-reference slot is filled
        Object[] pair = (Object[]) roundTrip(new Object[] {ints, ints});
        assertSame(pair[0], pair[1]);
        assertArrayEquals(ints, (int[]) pair[0]);
        // typed read of an array
        assertArrayEquals(ints, (int[]) roundTrip(ints, int[].class));
    }

    @Test
    void collectionsAndMaps() throws IOException {
        List<OrderLine> list = new ArrayList<>(List.of(new OrderLine("a", 1), new OrderLine("b", 2)));
        assertEquals(list, roundTrip(list));
        Set<String> set = new LinkedHashSet<>(List.of("x", "y", "z"));
        Object setBack = roundTrip(set);
        assertInstanceOf(LinkedHashSet.class, setBack);
        assertEquals(List.of("x", "y", "z"), new ArrayList<>((Set<?>) setBack));
        TreeSet<Integer> sorted = new TreeSet<>(List.of(3, 1, 2));
        assertEquals(sorted, roundTrip(sorted));
        Map<String, List<Integer>> nested = new LinkedHashMap<>();
        nested.put("a", List.of(1, 2));
        nested.put("b", new ArrayList<>());
        assertEquals(nested, roundTrip(nested));
        Map<String, Map<Integer, List<OrderLine>>> deeper = new HashMap<>();
        deeper.put("k", new TreeMap<>(Map.of(1, List.of(new OrderLine("z", 9)))));
        assertEquals(deeper, roundTrip(deeper));
        // immutable and wrapper collections arrive with the same contents
        assertEquals(List.of(1, 2, 3), roundTrip(List.of(1, 2, 3)));
        assertEquals(List.of(1), roundTrip(List.of(1)));
        assertEquals(Set.of("a", "b"), roundTrip(Set.of("a", "b")));
        assertEquals(Map.of("a", 1, "b", 2), roundTrip(Map.of("a", 1, "b", 2)));
        assertEquals(List.of(), roundTrip(Collections.emptyList()));
        assertEquals(Map.of(), roundTrip(Collections.emptyMap()));
        assertEquals(List.of("s"), roundTrip(Collections.singletonList("s")));
        assertEquals(List.of(1, 2), roundTrip(Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))));
        assertEquals(Map.of("k", "v"), roundTrip(Collections.unmodifiableMap(new HashMap<>(Map.of("k", "v")))));
        assertEquals(List.of(4, 5), roundTrip(Arrays.asList(4, 5)));
    }

    @Test
    void pojoWithInheritanceAndNestedGenerics() throws IOException {
        Order order = sampleOrder();
        Order back = (Order) roundTrip(order);
        assertEquals(order.getId(), back.getId());
        assertEquals(order.getCreatedBy(), back.getCreatedBy());
        assertEquals(order.getCustomer(), back.getCustomer());
        assertEquals(order.getTotal(), back.getTotal());
        assertSame(Status.PAID, back.getStatus());
        assertEquals(order.getCreatedAt(), back.getCreatedAt());
        assertEquals(order.getLines(), back.getLines());
        assertEquals(order.getTags(), back.getTags());
        assertArrayEquals(order.getPayments(), back.getPayments());
        // typed read, as an RPC argument is read
        Order typed = (Order) roundTrip(order, Order.class);
        assertEquals(order.getLines(), typed.getLines());
        // a generic holder
        @SuppressWarnings("unchecked")
        Page<Order> page = (Page<Order>) roundTrip(new Page<>(List.of(order, order), 2));
        assertEquals(2, page.getTotal());
        assertSame(page.getItems().get(0), page.getItems().get(1));
    }

    @Test
    void records() throws IOException {
        Point point = new Point(3, -4, "p");
        assertEquals(point, roundTrip(point));
        Money money = new Money(new BigDecimal("9.99"), "EUR");
        assertEquals(money, roundTrip(money));
        assertEquals(Map.of("home", point), roundTrip(Map.of("home", point)));
    }

    @Test
    void exceptionWithMessageAndCause() throws IOException {
        BusinessException thrown = new BusinessException("E42", "order 7 is locked",
                new IllegalStateException("lock held by batch"));
        Object back = roundTrip(thrown);
        BusinessException exception = assertInstanceOf(BusinessException.class, back);
        assertEquals("E42", exception.getCode());
        assertEquals("order 7 is locked", exception.getMessage());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, exception.getCause());
        assertEquals("lock held by batch", cause.getMessage());
        assertTrue(exception.getStackTrace().length > 0);
        assertEquals(thrown.getStackTrace()[0], exception.getStackTrace()[0]);
        // a JDK exception on its own, allowed by the JDK defaults
        Object jdk = read(writeObject(new IllegalArgumentException("bad")), DefaultClassAllowlist.jdkDefaults()).readObject();
        assertEquals("bad", assertInstanceOf(IllegalArgumentException.class, jdk).getMessage());
    }

    @Test
    void severalValuesInOneStream() throws IOException {
        Order order = sampleOrder();
        byte[] bytes = write(out -> {
            out.writeUTF("2.0.2");
            out.writeByte((byte) 3);
            out.writeInt(77);
            out.writeObject(order);
            out.writeObject(order);
            out.writeObject(Map.of("path", "svc"));
        });
        ObjectInput in = read(bytes, ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals(3, in.readByte());
        assertEquals(77, in.readInt());
        Order first = (Order) in.readObject(Order.class, Order.class);
        Order second = (Order) in.readObject();
        assertSame(first, second, "references span one stream");
        assertEquals(Map.of("path", "svc"), in.readObject(Map.class, Map.class));
    }

    @Test
    void concurrentReadersShareOneAllowlist() throws Exception {
        byte[] bytes = writeObject(sampleOrder());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        Order back = (Order) read(bytes, ALLOWLIST).readObject();
                        assertNotNull(back.getLines());
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Order sampleOrder() {
        Order order = new Order();
        order.setId(7);
        order.setCreatedBy("alice");
        order.setCustomer("ACME 株式会社");
        order.setTotal(new BigDecimal("1234.50"));
        order.setStatus(Status.PAID);
        order.setCreatedAt(LocalDateTime.of(2024, 5, 1, 10, 30));
        order.setLines(new ArrayList<>(List.of(new OrderLine("sku-1", 2), new OrderLine("sku-2", 1))));
        Map<String, List<Integer>> tags = new HashMap<>();
        tags.put("priority", new ArrayList<>(List.of(1, 2)));
        order.setTags(tags);
        order.setPayments(new Money[] {new Money(new BigDecimal("1000.00"), "EUR"), new Money(new BigDecimal("234.50"), "EUR")});
        return order;
    }
}
