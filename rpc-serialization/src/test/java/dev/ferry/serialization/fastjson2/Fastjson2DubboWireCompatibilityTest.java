package dev.ferry.serialization.fastjson2;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Point;
import dev.ferry.serialization.fixtures.Status;
import org.apache.dubbo.common.serialize.fastjson2.FastJson2ObjectInput;
import org.apache.dubbo.common.serialize.fastjson2.FastJson2ObjectOutput;
import org.apache.dubbo.common.serialize.fastjson2.Fastjson2CreatorManager;
import org.apache.dubbo.common.serialize.fastjson2.Fastjson2SecurityManager;
import org.apache.dubbo.common.utils.SerializeSecurityManager;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Byte for byte against Apache Dubbo 3.3's own fastjson2 ObjectOutput / ObjectInput (what a
 * Dubbo peer runs): the length prefix, the JSONB features, and the meaning of writeByte /
 * writeInt / writeUTF.
 */
class Fastjson2DubboWireCompatibilityTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder().allowTypesOf(OrderService.class).build();

    /** Built once: an exception's stack trace depends on where it was created. */
    private static final BusinessException FAILURE =
            new BusinessException("E1", "failed", new IllegalStateException("cause"));

    private static FrameworkModel framework;
    private static Fastjson2CreatorManager creators;
    private static Fastjson2SecurityManager security;

    @BeforeAll
    static void startDubbo() {
        framework = new FrameworkModel();
        // Dubbo checks classes against its own allowlist, as a service export would fill it
        framework.getBeanFactory().getOrRegisterBean(SerializeSecurityManager.class)
                .addToAllowed("dev.ferry.serialization.fixtures");
        creators = framework.getBeanFactory().getOrRegisterBean(Fastjson2CreatorManager.class);
        security = framework.getBeanFactory().getOrRegisterBean(Fastjson2SecurityManager.class);
    }

    @AfterAll
    static void stopDubbo() {
        framework.destroy();
    }

    private interface Body {
        void writeUTF(String s) throws IOException;

        void writeByte(byte b) throws IOException;

        void writeInt(int i) throws IOException;

        void writeObject(Object o) throws IOException;
    }

    /** A request-body-like sequence of writes, the same for both writers. */
    private static void writeSample(Body out) throws IOException {
        out.writeUTF("2.0.2");
        out.writeUTF("dev.ferry.OrderService");
        out.writeByte((byte) -3);
        out.writeByte((byte) 120);
        out.writeInt(70_000);
        out.writeObject(Fastjson2RoundTripTest.sampleOrder());
        out.writeObject(FAILURE);
        out.writeObject(Map.of("home", new Point(1, 2, "h")));
        out.writeObject(LocalDate.of(2024, 3, 4));
        out.writeObject(new BigDecimal("-0.000123"));
        out.writeObject(new int[] {1, 2, 3});
        out.writeObject(Status.PAID);
        Map<String, Object> attachments = new HashMap<>();
        attachments.put("path", "dev.ferry.OrderService");
        attachments.put("timeout", 3000);
        out.writeObject(attachments);
        out.writeObject(null);
    }

    private static byte[] ferryBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = Json.FASTJSON2.serialize(bytes);
        writeSample(new Body() {
            public void writeUTF(String s) throws IOException { out.writeUTF(s); }
            public void writeByte(byte b) throws IOException { out.writeByte(b); }
            public void writeInt(int i) throws IOException { out.writeInt(i); }
            public void writeObject(Object o) throws IOException { out.writeObject(o); }
        });
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] dubboBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FastJson2ObjectOutput out = new FastJson2ObjectOutput(creators, security, bytes);
        writeSample(new Body() {
            public void writeUTF(String s) throws IOException { out.writeUTF(s); }
            public void writeByte(byte b) throws IOException { out.writeByte(b); }
            public void writeInt(int i) throws IOException { out.writeInt(i); }
            public void writeObject(Object o) throws IOException { out.writeObject(o); }
        });
        out.flushBuffer();
        return bytes.toByteArray();
    }

    @Test
    void ferryWritesTheBytesDubboWrites() throws IOException {
        assertArrayEquals(dubboBytes(), ferryBytes());
    }

    @Test
    void dubboReadsWhatFerryWrites() throws Exception {
        FastJson2ObjectInput in = new FastJson2ObjectInput(creators, security, new ByteArrayInputStream(ferryBytes()));
        assertEquals("2.0.2", in.readUTF());
        assertEquals("dev.ferry.OrderService", in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals((byte) 120, in.readByte());
        assertEquals(70_000, in.readInt());
        Order order = in.readObject(Order.class);
        assertEquals(Fastjson2RoundTripTest.sampleOrder().getLines(), order.getLines());
        BusinessException e = assertInstanceOf(BusinessException.class, in.readObject());
        assertEquals("failed", e.getMessage());
        assertEquals("E1", e.getCode());
        assertEquals(Map.of("home", new Point(1, 2, "h")), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 4), in.readObject());
        assertEquals(new BigDecimal("-0.000123"), in.readObject());
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) in.readObject());
        assertSame(Status.PAID, in.readObject());
        assertEquals(3000, ((Map<?, ?>) in.readObject(Map.class)).get("timeout"));
        assertNull(in.readObject());
    }

    @Test
    void ferryReadsWhatDubboWrites() throws IOException {
        ObjectInput in = Json.read(dubboBytes(), ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals("dev.ferry.OrderService", in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals((byte) 120, in.readByte());
        assertEquals(70_000, in.readInt());
        Order order = (Order) in.readObject(Order.class, Order.class);
        assertEquals(LocalDateTime.of(2024, 5, 1, 10, 30), order.getCreatedAt());
        assertEquals(List.of(new OrderLine("sku-1", 2), new OrderLine("sku-2", 1)), order.getLines());
        BusinessException e = assertInstanceOf(BusinessException.class, in.readObject(Throwable.class, Throwable.class));
        assertEquals("cause", e.getCause().getMessage());
        assertEquals(Map.of("home", new Point(1, 2, "h")), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 4), in.readObject());
        assertEquals(new BigDecimal("-0.000123"), in.readObject());
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) in.readObject());
        assertSame(Status.PAID, in.readObject());
        assertEquals(Map.of("path", "dev.ferry.OrderService", "timeout", 3000), in.readObject(Map.class, Map.class));
        assertNull(in.readObject());
    }
}
