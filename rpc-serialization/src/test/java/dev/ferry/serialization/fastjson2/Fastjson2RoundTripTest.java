package dev.ferry.serialization.fastjson2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Holder;
import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Page;
import dev.ferry.serialization.fixtures.Point;
import dev.ferry.serialization.fixtures.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ferry.serialization.fastjson2.Json.read;
import static dev.ferry.serialization.fastjson2.Json.write;
import static dev.ferry.serialization.fastjson2.Json.writeObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Fastjson2RoundTripTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowTypesOf(OrderService.class)
            .allowClass(Holder.class)
            .build();

    private static Object roundTrip(Object value) throws IOException {
        return read(writeObject(value), ALLOWLIST).readObject();
    }

    private static Object roundTrip(Object value, Class<?> type) throws IOException {
        return read(writeObject(value), ALLOWLIST).readObject(type, type);
    }

    private static Object roundTrip(Object value, Type type) throws IOException {
        return read(writeObject(value), ALLOWLIST).readObject(dev.ferry.serialization.fastjson2.TypesForTest.raw(type), type);
    }

    @Test
    void idAndName() {
        assertEquals(23, Json.FASTJSON2.id());
        assertEquals("fastjson2", Fastjson2Serialization.class.getAnnotation(Extension.class).value());
    }

    @Test
    void primitivesAndBoxes() throws IOException {
        assertEquals(42, roundTrip(42));
        assertEquals(Integer.MIN_VALUE, roundTrip(Integer.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, roundTrip(Long.MAX_VALUE));
        assertEquals(3.25d, roundTrip(3.25d));
        assertEquals(true, roundTrip(true));
        // JSONB keeps the width of every box
        assertEquals((byte) 7, roundTrip((byte) 7));
        assertEquals((short) 300, roundTrip((short) 300));
        assertEquals(1.5f, roundTrip(1.5f));
        assertEquals('x', roundTrip('x'));
        assertEquals((byte) 7, roundTrip((byte) 7, byte.class));
        assertEquals(42L, roundTrip(42L, long.class));
        assertEquals(42L, roundTrip(42, Long.class), "a typed read converts a narrower number");
        assertEquals(Double.NaN, roundTrip(Double.NaN));
        byte[] bytes = write(out -> {
            out.writeByte((byte) -128);
            out.writeInt(Integer.MAX_VALUE);
            out.writeUTF("é😀");
        });
        ObjectInput in = read(bytes, ALLOWLIST);
        assertEquals((byte) -128, in.readByte());
        assertEquals(Integer.MAX_VALUE, in.readInt());
        assertEquals("é😀", in.readUTF());
    }

    @Test
    void theFrameOfABodyReadsWithAnAllowlistThatAdmitsNothing() throws IOException {
        // the codec reads version, path and method before it knows the service and its allowlist
        byte[] bytes = write(out -> {
            out.writeUTF("2.0.2");
            out.writeUTF("dev.ferry.OrderService");
            out.writeByte((byte) 4);
            out.writeInt(9);
            out.writeObject(null);
        });
        ObjectInput in = read(bytes, name -> false);
        assertEquals("2.0.2", in.readUTF());
        assertEquals("dev.ferry.OrderService", in.readUTF());
        assertEquals((byte) 4, in.readByte());
        assertEquals(9, in.readInt());
        assertNull(in.readObject());
        assertThrows(dev.ferry.serialization.ClassRefusedException.class,
                () -> read(writeObject(new OrderLine("a", 1)), name -> false).readObject());
    }

    @Test
    void strings() throws IOException {
        assertEquals("", roundTrip(""));
        String unicode = "héllo wörld · 中文 · 😀 · 𝄞 · \u0000 end";
        assertEquals(unicode, roundTrip(unicode));
        String longText = "😀a".repeat(40_000);
        assertEquals(longText, roundTrip(longText));
        assertEquals(unicode, read(write(out -> out.writeUTF(unicode)), ALLOWLIST).readUTF());
        assertNull(read(write(out -> out.writeUTF(null)), ALLOWLIST).readUTF());
    }

    @Test
    void numbersAndTime() throws IOException {
        assertEquals(new BigDecimal("12345.678901234567890123"), roundTrip(new BigDecimal("12345.678901234567890123")));
        assertEquals(new BigDecimal("-0.000123"), roundTrip(new BigDecimal("-0.000123")));
        assertEquals(new BigInteger("123456789012345678901234567890"), roundTrip(new BigInteger("123456789012345678901234567890")));
        LocalDate date = LocalDate.of(2024, 2, 29);
        LocalDateTime dateTime = LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_456_789);
        Instant instant = Instant.ofEpochSecond(1_700_000_000L, 987_654_321);
        assertEquals(date, roundTrip(date));
        assertEquals(dateTime, roundTrip(dateTime));
        assertEquals(instant, roundTrip(instant));
        assertEquals(instant, roundTrip(instant, Instant.class));
        assertEquals(LocalTime.NOON, roundTrip(LocalTime.NOON));
        assertEquals(Duration.ofHours(25).plusNanos(7), roundTrip(Duration.ofHours(25).plusNanos(7), Duration.class));
        ZonedDateTime zoned = ZonedDateTime.of(dateTime, ZoneId.of("Europe/Paris"));
        assertEquals(zoned, roundTrip(zoned));
        OffsetDateTime offset = OffsetDateTime.of(dateTime, ZoneOffset.ofHours(-3));
        assertEquals(offset, roundTrip(offset, OffsetDateTime.class));
        Date legacy = new Date(1_700_000_000_123L);
        assertEquals(legacy, roundTrip(legacy));
        Timestamp timestamp = new Timestamp(1_700_000_000_123L);
        assertEquals(timestamp, roundTrip(timestamp, Timestamp.class));
    }

    @Test
    void enums() throws IOException {
        assertSame(Status.NEW, roundTrip(Status.NEW));
        assertSame(Status.PAID, roundTrip(Status.PAID));
        assertSame(Status.PAID, roundTrip(Status.PAID, Status.class));
    }

    @Test
    void nullInEveryPosition() throws IOException {
        assertNull(roundTrip(null));
        assertNull(roundTrip(null, Order.class));
        assertNull(roundTrip(null, int[].class));
        List<String> withNull = new ArrayList<>(Arrays.asList("a", null, "c"));
        assertEquals(withNull, roundTrip(withNull));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertEquals(nullValue, roundTrip(nullValue));
        assertArrayEquals(new Object[] {null, 1}, (Object[]) roundTrip(new Object[] {null, 1}));
        Order empty = (Order) roundTrip(new Order(), Order.class);
        assertNull(empty.getCustomer());
        assertNull(empty.getLines());
        assertNull(empty.getPayments());
        assertNull(((Holder) roundTrip(new Holder(null))).getValue());
        assertNull(((Point) roundTrip(new Point(1, 2, null))).label());
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
        assertArrayEquals(lines, (OrderLine[]) roundTrip(lines, OrderLine[].class));
        int[][] matrix = {{1, 2}, {3}};
        int[][] back = (int[][]) roundTrip(matrix);
        assertArrayEquals(matrix[0], back[0]);
        assertArrayEquals(matrix[1], back[1]);
        int[] large = new int[10_000];
        Arrays.setAll(large, i -> i * 31);
        assertArrayEquals(large, (int[]) roundTrip(large));
    }

    @Test
    void collectionsAndMapsWithNestedGenerics() throws Exception {
        List<OrderLine> list = new ArrayList<>(List.of(new OrderLine("a", 1), new OrderLine("b", 2)));
        assertEquals(list, roundTrip(list));
        Set<String> set = new LinkedHashSet<>(List.of("x", "y", "z"));
        Object setBack = roundTrip(set);
        assertInstanceOf(LinkedHashSet.class, setBack);
        assertEquals(List.of("x", "y", "z"), new ArrayList<>((Set<?>) setBack));
        assertEquals(new TreeSet<>(List.of(3, 1, 2)), roundTrip(new TreeSet<>(List.of(3, 1, 2))));
        Map<String, List<Integer>> nested = new LinkedHashMap<>();
        nested.put("a", List.of(1, 2));
        nested.put("b", new ArrayList<>());
        assertEquals(nested, roundTrip(nested));
        Map<String, Map<Integer, List<OrderLine>>> deeper = new HashMap<>();
        deeper.put("k", new TreeMap<>(Map.of(1, List.of(new OrderLine("z", 9)))));
        assertEquals(deeper, roundTrip(deeper));
        // typed by a method's generic signature, as an RPC argument is read
        Method save = Signatures.class.getMethod("lines", Map.class);
        Type generic = save.getGenericParameterTypes()[0];
        Map<String, List<OrderLine>> typed = Map.of("k", List.of(new OrderLine("q", 3)));
        assertEquals(typed, roundTrip(typed, generic));
        // immutable and wrapper collections arrive with the same contents
        assertEquals(List.of(1, 2, 3), roundTrip(List.of(1, 2, 3)));
        assertEquals(List.of(1), roundTrip(List.of(1)));
        assertEquals(Set.of("a", "b"), roundTrip(Set.of("a", "b")));
        assertEquals(Map.of("a", 1, "b", 2), roundTrip(Map.of("a", 1, "b", 2)));
        assertEquals(List.of(), roundTrip(Collections.emptyList()));
        assertEquals(Map.of(), roundTrip(Collections.emptyMap()));
        assertEquals(List.of("s"), roundTrip(Collections.singletonList("s")));
        assertEquals(List.of(1, 2), roundTrip(Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))));
        assertEquals(List.of(4, 5), roundTrip(Arrays.asList(4, 5)));
    }

    /** Generic signatures to read with. */
    interface Signatures {
        void lines(Map<String, List<OrderLine>> byKey);
    }

    @Test
    void pojoWithInheritanceAndNestedGenerics() throws IOException {
        Order order = sampleOrder();
        for (Object back : List.of(roundTrip(order), roundTrip(order, Order.class))) {
            Order o = assertInstanceOf(Order.class, back);
            assertEquals(order.getId(), o.getId());
            assertEquals(order.getCreatedBy(), o.getCreatedBy());
            assertEquals(order.getCustomer(), o.getCustomer());
            assertEquals(order.getTotal(), o.getTotal());
            assertSame(Status.PAID, o.getStatus());
            assertEquals(order.getCreatedAt(), o.getCreatedAt());
            assertEquals(order.getLines(), o.getLines());
            assertEquals(order.getTags(), o.getTags());
            assertArrayEquals(order.getPayments(), o.getPayments());
        }
        @SuppressWarnings("unchecked")
        Page<Order> page = (Page<Order>) roundTrip(new Page<>(List.of(order, order), 2));
        assertEquals(2, page.getTotal());
        assertSame(page.getItems().get(0), page.getItems().get(1), "shared references survive");
    }

    @Test
    void records() throws IOException {
        Point point = new Point(3, -4, "p");
        assertEquals(point, roundTrip(point));
        assertEquals(point, roundTrip(point, Point.class));
        Money money = new Money(new BigDecimal("9.99"), "EUR");
        assertEquals(money, roundTrip(money));
        assertEquals(Map.of("home", point), roundTrip(Map.of("home", point)));
    }

    @Test
    void exceptionArrivesAsTheSameClassWithMessageAndCause() throws IOException {
        BusinessException thrown = new BusinessException("E42", "order 7 is locked",
                new IllegalStateException("lock held by batch"));
        for (Object back : List.of(roundTrip(thrown), roundTrip(thrown, Throwable.class))) {
            BusinessException exception = assertInstanceOf(BusinessException.class, back);
            assertEquals("E42", exception.getCode());
            assertEquals("order 7 is locked", exception.getMessage());
            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, exception.getCause());
            assertEquals("lock held by batch", cause.getMessage());
            // class, method, file and line travel; the class loader's and module's names do not
            StackTraceElement sent = thrown.getStackTrace()[0];
            StackTraceElement got = exception.getStackTrace()[0];
            assertEquals(sent.getClassName() + sent.getMethodName() + sent.getFileName() + sent.getLineNumber(),
                    got.getClassName() + got.getMethodName() + got.getFileName() + got.getLineNumber());
            assertEquals(thrown.getStackTrace().length, exception.getStackTrace().length);
        }
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
            out.writeObject(Map.of("path", "svc"));
            out.writeObject(null);
        });
        ObjectInput in = read(bytes, ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals(3, in.readByte());
        assertEquals(77, in.readInt());
        assertEquals(order.getLines(), ((Order) in.readObject(Order.class, Order.class)).getLines());
        assertEquals(Map.of("path", "svc"), in.readObject(Map.class, Map.class));
        assertNull(in.readObject());
    }

    @Test
    void valueOfTheWrongTypeNeverReachesTheCaller() throws IOException {
        assertThrows(IOException.class, () -> read(writeObject("text"), ALLOWLIST).readObject(Order.class, Order.class));
        IOException e = assertThrows(IOException.class,
                () -> read(writeObject(new OrderLine("a", 1)), ALLOWLIST).readObject(Throwable.class, Throwable.class));
        assertTrue(e.getMessage().contains(OrderLine.class.getName()), e.getMessage());
        assertThrows(IOException.class, () -> read(writeObject(null), ALLOWLIST).readInt());
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
