package dev.ferry.serialization.java;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Gadget;
import dev.ferry.serialization.fixtures.Holder;
import dev.ferry.serialization.fixtures.Money;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Point;
import dev.ferry.serialization.fixtures.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import javax.management.BadAttributeValueExpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaSerializationTest {

    private static final JavaSerialization JAVA = new JavaSerialization();
    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowTypesOf(OrderService.class)
            .allowClass(Holder.class)
            .build();
    private static final ClassAllowlist JDK = DefaultClassAllowlist.jdkDefaults();

    interface Writes {
        void to(ObjectOutput out) throws IOException;
    }

    private static byte[] write(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = JAVA.serialize(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static ObjectInput read(byte[] bytes, ClassAllowlist allowlist) throws IOException {
        return JAVA.deserialize(new ByteArrayInputStream(bytes), allowlist);
    }

    private static Object roundTrip(Object value) throws IOException {
        return read(write(out -> out.writeObject(value)), ALLOWLIST).readObject();
    }

    private static void assertIOException(Executable read) {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThrows(IOException.class, read));
    }

    @Test
    void idAndName() {
        assertEquals(3, JAVA.id());
        assertEquals("java", JavaSerialization.class.getAnnotation(Extension.class).value());
    }

    @Test
    void writesDubbosFormat() throws IOException {
        Point point = new Point(1, 2, "p");
        byte[] ferry = write(out -> {
            out.writeUTF("2.0.2");
            out.writeUTF(null);
            out.writeByte((byte) -3);
            out.writeInt(70_000);
            out.writeObject(null);
            out.writeObject(point);
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ObjectOutputStream dubbo = new ObjectOutputStream(expected);
        dubbo.writeInt(5);
        dubbo.writeUTF("2.0.2");
        dubbo.writeInt(-1);
        dubbo.writeByte(-3);
        dubbo.writeInt(70_000);
        dubbo.writeByte(0);
        dubbo.writeByte(1);
        dubbo.writeObject(point);
        dubbo.flush();
        assertArrayEquals(expected.toByteArray(), ferry);
        ObjectInput in = read(ferry, ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertNull(in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals(70_000, in.readInt());
        assertNull(in.readObject());
        assertEquals(point, in.readObject(Point.class, Point.class));
    }

    @Test
    void roundTripsWhatRpcUsersPass() throws IOException {
        assertEquals(42, roundTrip(42));
        assertEquals('x', roundTrip('x'));
        assertEquals("é😀", roundTrip("é😀"));
        assertEquals(new BigDecimal("-0.000123"), roundTrip(new BigDecimal("-0.000123")));
        assertEquals(new BigInteger("123456789012345678901234567890"), roundTrip(new BigInteger("123456789012345678901234567890")));
        assertEquals(LocalDate.of(2024, 2, 29), roundTrip(LocalDate.of(2024, 2, 29)));
        ZonedDateTime zoned = ZonedDateTime.of(LocalDateTime.of(2024, 1, 2, 3, 4), java.time.ZoneId.of("Europe/Paris"));
        assertEquals(zoned, roundTrip(zoned));
        assertEquals(Duration.ofSeconds(90), roundTrip(Duration.ofSeconds(90)));
        assertSame(Status.PAID, roundTrip(Status.PAID));
        assertArrayEquals(new int[] {1, 2}, (int[]) roundTrip(new int[] {1, 2}));
        assertArrayEquals(new OrderLine[] {new OrderLine("a", 1)}, (OrderLine[]) roundTrip(new OrderLine[] {new OrderLine("a", 1)}));
        assertEquals(List.of(1, 2), roundTrip(List.of(1, 2)));
        assertEquals(new java.util.HashSet<>(Set.of(1, 2)), roundTrip(new java.util.HashSet<>(Set.of(1, 2))));
        assertEquals(Set.of("a"), roundTrip(Set.of("a")));
        assertEquals(new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", 1)),
                roundTrip(new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", 1))));
        assertEquals(Map.of("k", List.of(new OrderLine("z", 9))), roundTrip(Map.of("k", List.of(new OrderLine("z", 9)))));
        assertEquals(Arrays.asList("a", null), roundTrip(new ArrayList<>(Arrays.asList("a", null))));
        assertEquals(new Money(new BigDecimal("9.99"), "EUR"), roundTrip(new Money(new BigDecimal("9.99"), "EUR")));
        Order order = new Order();
        order.setId(7);
        order.setCreatedBy("alice");
        order.setLines(new ArrayList<>(List.of(new OrderLine("sku", 2))));
        order.setTags(new HashMap<>(Map.of("t", new ArrayList<>(List.of(1)))));
        Order back = (Order) roundTrip(order);
        assertEquals(7, back.getId());
        assertEquals("alice", back.getCreatedBy());
        assertEquals(order.getLines(), back.getLines());
        assertEquals(order.getTags(), back.getTags());
    }

    @Test
    void exceptionsArriveWhole() throws IOException {
        BusinessException thrown = new BusinessException("E42", "locked", new IllegalStateException("batch"));
        BusinessException back = assertInstanceOf(BusinessException.class,
                read(write(out -> out.writeObject(thrown)), ALLOWLIST).readObject(Throwable.class, Throwable.class));
        assertEquals("E42", back.getCode());
        assertEquals("locked", back.getMessage());
        assertEquals("batch", back.getCause().getMessage());
        assertEquals(thrown.getStackTrace()[0], back.getStackTrace()[0]);
    }

    @Test
    void refusedClassIsNeverInstantiated() throws IOException {
        byte[] bytes = write(out -> out.writeObject(new Holder(new Gadget("calc"))));
        int resolved = Gadget.RESOLVED.get();
        ClassRefusedException e = assertThrows(ClassRefusedException.class, () -> read(bytes, ALLOWLIST).readObject());
        assertEquals(Gadget.class.getName(), e.className());
        assertEquals(resolved, Gadget.RESOLVED.get());
        // positive control: allowed, it is created (Java serialization calls readResolve)
        ClassAllowlist both = DefaultClassAllowlist.builder().allowClass(Holder.class).allowClass(Gadget.class).build();
        assertEquals("calc", ((Gadget) ((Holder) read(bytes, both).readObject()).getValue()).getCommand());
        assertEquals(resolved + 1, Gadget.RESOLVED.get());
    }

    @Test
    void refusedClassIsNotEvenLoaded() throws IOException {
        String gadget = "dev.ferry.serialization.fixtures.NeverLoadedGadget";
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        JavaSerialization serialization = new JavaSerialization(loader);
        ClassRefusedException e = assertThrows(ClassRefusedException.class,
                () -> serialization.deserialize(new ByteArrayInputStream(streamNaming(gadget)), JDK).readObject());
        assertEquals(gadget, e.className());
        assertFalse(loader.requested.contains(gadget), loader.requested.toString());
        assertNull(System.getProperty("ferry.test.NeverLoadedGadget.initialised"));
    }

    @Test
    void knownGadgetsAreRefusedWhateverTheAllowlistSays() throws IOException {
        PriorityQueue<Integer> queue = new PriorityQueue<>(Comparator.reverseOrder());
        queue.add(1);
        queue.add(2);
        byte[] queueBytes = write(out -> out.writeObject(queue));
        byte[] badAttribute = write(out -> out.writeObject(new BadAttributeValueExpException("x")));
        Map<String, byte[]> payloads = Map.of(
                "java.util.PriorityQueue", queueBytes,
                "javax.management.BadAttributeValueExpException", badAttribute,
                "com.sun.rowset.JdbcRowSetImpl", streamNaming("com.sun.rowset.JdbcRowSetImpl"),
                "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
                streamNaming("com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl"),
                "org.apache.commons.collections.functors.InvokerTransformer",
                streamNaming("org.apache.commons.collections.functors.InvokerTransformer"));
        payloads.forEach((name, bytes) -> {
            for (ClassAllowlist allowlist : List.of(JDK, (ClassAllowlist) n -> true)) {
                ClassRefusedException e = assertThrows(ClassRefusedException.class, () -> read(bytes, allowlist).readObject());
                assertEquals(name, e.className());
                assertTrue(e.knownGadget());
            }
        });
    }

    @Test
    void dynamicProxiesAreRefused() throws IOException {
        Object proxy = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Runnable.class, Serializable.class},
                (InvocationHandler & Serializable) (p, m, a) -> null);
        byte[] bytes = write(out -> out.writeObject(proxy));
        assertThrows(ClassRefusedException.class, () -> read(bytes, n -> true).readObject());
    }

    @Test
    void hugeArrayLengthIsRefusedBeforeAllocating() throws IOException {
        byte[] bytes = write(out -> out.writeObject(new long[1]));
        // the array's length is the 4 bytes before its one 8-byte element, at the end of the stream
        int at = bytes.length - 8 - 4;
        bytes[at] = 0x7f;
        bytes[at + 1] = (byte) 0xff;
        bytes[at + 2] = (byte) 0xff;
        bytes[at + 3] = (byte) 0xf0;
        assertIOException(() -> read(bytes, ALLOWLIST).readObject());
    }

    @Test
    void deepNestingIsAnIOException() throws IOException {
        Object nested = "leaf";
        for (int i = 0; i < AllowlistObjectInputStream.MAX_DEPTH + 10; i++) {
            nested = new Object[] {nested};
        }
        Object deep = nested;
        byte[] bytes = write(out -> out.writeObject(deep));
        assertIOException(() -> read(bytes, ALLOWLIST).readObject());
    }

    @Test
    void malformedInputFailsWithIOExceptionOnly() throws IOException {
        assertIOException(() -> read(new byte[0], ALLOWLIST));
        assertIOException(() -> read(new byte[] {1, 2, 3, 4}, ALLOWLIST));
        byte[] whole = write(out -> {
            out.writeUTF("2.0.2");
            out.writeObject(new HashMap<>(Map.of("k", List.of(new OrderLine("a", 1)))));
        });
        for (int length = 4; length < whole.length; length++) {
            byte[] prefix = Arrays.copyOf(whole, length);
            assertIOException(() -> {
                ObjectInput in = read(prefix, ALLOWLIST);
                in.readUTF();
                in.readObject();
            });
        }
        Random random = new Random(20261121L);
        int[] decoded = new int[1];
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3_000; i++) {
                byte[] bytes = whole.clone();
                for (int m = 1 + random.nextInt(4); m > 0; m--) {
                    bytes[4 + random.nextInt(bytes.length - 4)] = (byte) random.nextInt(256);
                }
                try {
                    ObjectInput in = read(bytes, ALLOWLIST);
                    in.readUTF();
                    in.readObject();
                    decoded[0]++;
                } catch (IOException expected) {
                    // the only acceptable failure
                }
            }
        });
        assertTrue(decoded[0] > 0, "some mutations leave a readable stream");
    }

    @Test
    void valueOfTheWrongTypeNeverReachesTheCaller() throws IOException {
        byte[] bytes = write(out -> out.writeObject(new OrderLine("a", 1)));
        IOException e = assertThrows(IOException.class, () -> read(bytes, ALLOWLIST).readObject(Throwable.class, Throwable.class));
        assertTrue(e.getMessage().contains(OrderLine.class.getName()), e.getMessage());
    }

    /**
     * A stream as Dubbo's writer frames a value, whose object is of class {@code className} with
     * no fields: the class need not exist here, and is never loaded to write it.
     */
    static byte[] streamNaming(String className) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0xaced);           // stream magic
        out.writeShort(5);                // version
        out.writeByte(0x77);              // block data: Dubbo's "not null" byte
        out.writeByte(1);
        out.writeByte(1);
        out.writeByte(0x73);              // new object
        out.writeByte(0x72);              // new class descriptor
        out.writeUTF(className);
        out.writeLong(1L);                // serialVersionUID
        out.writeByte(0x02);              // serializable
        out.writeShort(0);                // no fields
        out.writeByte(0x78);              // end of class annotations
        out.writeByte(0x70);              // no superclass
        out.flush();
        return bytes.toByteArray();
    }

    /** Records every class name asked of it. */
    static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
