package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.fixtures.BusinessException;
import dev.ferry.serialization.fixtures.Order;
import dev.ferry.serialization.fixtures.OrderLine;
import dev.ferry.serialization.fixtures.OrderService;
import dev.ferry.serialization.fixtures.Point;
import org.apache.dubbo.common.serialize.hessian2.Hessian2FactoryManager;
import org.apache.dubbo.common.serialize.hessian2.Hessian2ObjectInput;
import org.apache.dubbo.common.serialize.hessian2.Hessian2ObjectOutput;
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
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Byte-for-byte against Apache Dubbo 3.3's own hessian2 ObjectOutput / ObjectInput (what a Dubbo
 * peer runs), and the Dubbo-defined meaning of writeByte / readByte / writeUTF.
 */
class DubboWireCompatibilityTest {

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder().allowTypesOf(OrderService.class).build();

    private static FrameworkModel framework;
    private static Hessian2FactoryManager dubboFactories;

    @BeforeAll
    static void startDubbo() {
        framework = new FrameworkModel();
        // Dubbo checks classes against its own allowlist, as a service export would fill it
        framework.getBeanFactory().getOrRegisterBean(SerializeSecurityManager.class)
                .addToAllowed("dev.ferry.serialization.fixtures");
        dubboFactories = new Hessian2FactoryManager(framework);
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

    /** Built once: an exception's stack trace depends on where it was created. */
    private static final BusinessException FAILURE =
            new BusinessException("E1", "failed", new IllegalStateException("cause"));

    /** A request-body-like sequence of writes, the same for both writers. */
    private static void writeSample(Body out) throws IOException {
        out.writeUTF("2.0.2");
        out.writeUTF("dev.ferry.OrderService");
        out.writeByte((byte) -3);
        out.writeByte((byte) 120);
        out.writeInt(70_000);
        out.writeObject(Hessian2RoundTripTest.sampleOrder());
        out.writeObject(FAILURE);
        out.writeObject(Map.of("home", new Point(1, 2, "h")));
        out.writeObject(LocalDate.of(2024, 3, 4));
        out.writeObject(LocalTime.of(9, 15, 0, 500));
        out.writeObject(LocalDate.of(2024, 3, 5));
        out.writeObject(new BigDecimal("-0.000123"));
        out.writeObject(new int[] {1, 2, 3});
        Map<String, Object> attachments = new HashMap<>();
        attachments.put("path", "dev.ferry.OrderService");
        attachments.put("timeout", 3000);
        out.writeObject(attachments);
        out.writeObject(null);
    }

    private static byte[] ferryBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = Wire.HESSIAN2.serialize(bytes);
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
        Hessian2ObjectOutput out = new Hessian2ObjectOutput(bytes, dubboFactories);
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
        Hessian2ObjectInput in = new Hessian2ObjectInput(new ByteArrayInputStream(ferryBytes()), dubboFactories);
        assertEquals("2.0.2", in.readUTF());
        assertEquals("dev.ferry.OrderService", in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals((byte) 120, in.readByte());
        assertEquals(70_000, in.readInt());
        Order order = in.readObject(Order.class);
        assertEquals(Hessian2RoundTripTest.sampleOrder().getLines(), order.getLines());
        assertEquals("failed", assertInstanceOf(BusinessException.class, in.readObject()).getMessage());
        assertEquals(Map.of("home", new Point(1, 2, "h")), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 4), in.readObject());
        assertEquals(LocalTime.of(9, 15, 0, 500), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 5), in.readObject());
        assertEquals(new BigDecimal("-0.000123"), in.readObject());
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) in.readObject());
        assertEquals(3000, ((Map<?, ?>) in.readObject(Map.class)).get("timeout"));
    }

    @Test
    void ferryReadsWhatDubboWrites() throws IOException {
        ObjectInput in = Wire.read(dubboBytes(), ALLOWLIST);
        assertEquals("2.0.2", in.readUTF());
        assertEquals("dev.ferry.OrderService", in.readUTF());
        assertEquals((byte) -3, in.readByte());
        assertEquals((byte) 120, in.readByte());
        assertEquals(70_000, in.readInt());
        Order order = (Order) in.readObject(Order.class, Order.class);
        assertEquals(LocalDateTime.of(2024, 5, 1, 10, 30), order.getCreatedAt());
        assertEquals(List.of(new OrderLine("sku-1", 2), new OrderLine("sku-2", 1)), order.getLines());
        BusinessException e = assertInstanceOf(BusinessException.class, in.readObject());
        assertEquals("cause", e.getCause().getMessage());
        assertEquals(Map.of("home", new Point(1, 2, "h")), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 4), in.readObject());
        assertEquals(LocalTime.of(9, 15, 0, 500), in.readObject());
        assertEquals(LocalDate.of(2024, 3, 5), in.readObject());
        assertEquals(new BigDecimal("-0.000123"), in.readObject());
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) in.readObject());
        assertEquals(Map.of("path", "dev.ferry.OrderService", "timeout", 3000), in.readObject(Map.class, Map.class));
        assertEquals(null, in.readObject());
    }

    @Test
    void byteAndUtfMeanHessianIntAndString() throws IOException {
        byte[] ferry = Wire.write(out -> {
            out.writeByte((byte) -128);
            out.writeByte((byte) 127);
            out.writeUTF("é😀");
        });
        byte[] hessian = Wire.raw(out -> {
            out.writeInt(-128);
            out.writeInt(127);
            out.writeString("é😀");
        });
        assertArrayEquals(hessian, ferry);
        // readByte reads a hessian int and keeps its low byte, as Dubbo does
        ObjectInput in = Wire.read(Wire.raw(out -> out.writeInt(300)), ALLOWLIST);
        assertEquals((byte) 300, in.readByte());
        Hessian2Input plain = new Hessian2Input(new ByteArrayInputStream(ferry));
        assertEquals(-128, plain.readInt());
        assertEquals(127, plain.readInt());
        assertEquals("é😀", plain.readString());
    }
}
