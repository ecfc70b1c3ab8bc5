package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.DefaultClassAllowlist;
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
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * java.time values, which Ferry writes and reads without hessian-lite's reflective handles: the
 * bytes must stay those of plain hessian-lite and of Apache Dubbo 3.3, and the values must cross
 * both ways.
 */
class JavaTimeWireTest {

    private static final String IO = "com.alibaba.com.caucho.hessian.io.java8.";

    private static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowClass(Schedule.class)
            .allowClass(ArrayList.class)
            .build();

    private static FrameworkModel framework;
    private static Hessian2FactoryManager dubboFactories;

    /** A value object with java.time fields, some of which may be null. */
    static final class Schedule implements Serializable {
        private static final long serialVersionUID = 1L;
        LocalDate day;
        LocalDateTime start;
        LocalTime reminder;
        Instant created;
        Duration length;
        String title;

        Schedule() {
        }

        Schedule(LocalDate day, LocalDateTime start, LocalTime reminder, Instant created, Duration length,
                 String title) {
            this.day = day;
            this.start = start;
            this.reminder = reminder;
            this.created = created;
            this.length = length;
            this.title = title;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Schedule s && Objects.equals(day, s.day) && Objects.equals(start, s.start)
                    && Objects.equals(reminder, s.reminder) && Objects.equals(created, s.created)
                    && Objects.equals(length, s.length) && Objects.equals(title, s.title);
        }

        @Override
        public int hashCode() {
            return Objects.hash(day, start, reminder, created, length, title);
        }

        @Override
        public String toString() {
            return "Schedule[" + day + ", " + start + ", " + reminder + ", " + created + ", " + length + ", " + title + "]";
        }
    }

    @BeforeAll
    static void startDubbo() {
        framework = new FrameworkModel();
        framework.getBeanFactory().getOrRegisterBean(SerializeSecurityManager.class)
                .addToAllowed(Schedule.class.getName());
        dubboFactories = new Hessian2FactoryManager(framework);
    }

    @AfterAll
    static void stopDubbo() {
        framework.destroy();
    }

    private static Schedule full(int i) {
        return new Schedule(LocalDate.of(2024, 2, 29).plusDays(i), LocalDateTime.of(2024, 5, 1, 10, 30, 15, 123_456_789),
                LocalTime.of(8, 0), Instant.ofEpochSecond(1_700_000_000L + i, 42), Duration.ofMillis(-1500 + i), "s" + i);
    }

    /** Each sample is written as one message, every element a separate writeObject call. */
    private static List<List<Object>> samples() {
        LocalDate shared = LocalDate.of(2020, 1, 1);
        Schedule sharedSchedule = full(1);
        List<List<Object>> samples = new ArrayList<>();
        samples.add(List.of(LocalDate.of(2024, 3, 4)));
        samples.add(List.of(LocalTime.of(23, 59, 59, 999_999_999)));
        samples.add(List.of(LocalDateTime.of(2024, 5, 1, 10, 30)));
        samples.add(List.of(Instant.ofEpochSecond(-1, 5)));
        samples.add(List.of(Duration.ofSeconds(-3, 7)));
        samples.add(List.of(LocalDate.MIN, LocalDate.MAX, LocalTime.MIN, LocalTime.MAX, LocalDateTime.MIN,
                LocalDateTime.MAX, Instant.MIN, Instant.MAX, Duration.ZERO, LocalDate.of(-5, 12, 31)));
        // repeated values in one message: class definitions referred to, not repeated
        samples.add(List.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2), LocalDateTime.of(2024, 1, 1, 0, 0),
                LocalTime.NOON, LocalDateTime.of(2025, 1, 1, 1, 1)));
        samples.add(List.of(full(0)));
        samples.add(List.of(new Schedule(null, null, null, null, null, null)));
        samples.add(List.of(new Schedule(LocalDate.of(1999, 12, 31), null, LocalTime.MIDNIGHT, null, Duration.ZERO, "x")));
        // the same instances more than once: java.time values are never back-references, the
        // schedule is, and must be numbered the same after the handles' reference slots
        samples.add(List.of(new ArrayList<>(List.of(shared, shared, sharedSchedule, sharedSchedule, shared))));
        samples.add(List.of(sharedSchedule, shared, sharedSchedule));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("day", shared);
        map.put("at", LocalDateTime.of(2024, 5, 1, 10, 30));
        map.put("same", shared);
        map.put("none", null);
        samples.add(List.of(map, full(2), full(3)));
        return samples;
    }

    private static byte[] ferryBytes(List<Object> values) throws IOException {
        return Wire.write(out -> {
            for (Object value : values) {
                out.writeObject(value);
            }
        });
    }

    private static byte[] hessianLiteBytes(List<Object> values) throws IOException {
        return Wire.raw(out -> {
            for (Object value : values) {
                out.writeObject(value);
            }
        });
    }

    private static byte[] dubboBytes(List<Object> values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2ObjectOutput out = new Hessian2ObjectOutput(bytes, dubboFactories);
        for (Object value : values) {
            out.writeObject(value);
        }
        out.flushBuffer();
        return bytes.toByteArray();
    }

    @Test
    void ferryWritesTheBytesOfHessianLiteAndDubbo() throws IOException {
        for (List<Object> sample : samples()) {
            byte[] ferry = ferryBytes(sample);
            assertArrayEquals(hessianLiteBytes(sample), ferry, () -> "hessian-lite, " + sample);
            assertArrayEquals(dubboBytes(sample), ferry, () -> "dubbo, " + sample);
        }
    }

    @Test
    void ferryReadsWhatDubboWrites() throws IOException {
        for (List<Object> sample : samples()) {
            var in = Wire.read(dubboBytes(sample), ALLOWLIST);
            for (Object expected : sample) {
                assertEquals(expected, in.readObject(), () -> sample.toString());
            }
        }
    }

    @Test
    void dubboReadsWhatFerryWrites() throws Exception {
        for (List<Object> sample : samples()) {
            Hessian2ObjectInput in = new Hessian2ObjectInput(new ByteArrayInputStream(ferryBytes(sample)), dubboFactories);
            for (Object expected : sample) {
                assertEquals(expected, in.readObject(), () -> sample.toString());
            }
        }
    }

    @Test
    void backReferencesResolveToTheSameInstancesAfterHandles() throws IOException {
        Schedule schedule = full(5);
        LocalDate day = LocalDate.of(2024, 6, 1);
        byte[] bytes = ferryBytes(List.of(new ArrayList<>(List.of(day, schedule, day, schedule))));
        List<?> read = assertInstanceOf(List.class, Wire.readObject(bytes, ALLOWLIST));
        assertEquals(List.of(day, schedule, day, schedule), read);
        assertSame(read.get(1), read.get(3));
    }

    @Test
    void typedReadsGiveTheValue() throws IOException {
        LocalDateTime at = LocalDateTime.of(2024, 5, 1, 10, 30);
        var in = Wire.read(ferryBytes(List.of(at, LocalDate.of(2024, 1, 2), full(7))), ALLOWLIST);
        assertEquals(at, in.readObject(LocalDateTime.class, LocalDateTime.class));
        assertEquals(LocalDate.of(2024, 1, 2), in.readObject(Object.class, Object.class));
        assertEquals(full(7), in.readObject(Schedule.class, Schedule.class));
    }

    /** A handle as hessian-lite would write it, with the given fields in the given order. */
    private static void writeHandle(Hessian2Output out, String simpleName, Object... namesAndValues) throws IOException {
        String name = IO + simpleName;
        int ref = out.writeObjectBegin(name);
        if (ref == -1) {
            out.writeClassFieldLength(namesAndValues.length / 2);
            for (int i = 0; i < namesAndValues.length; i += 2) {
                out.writeString((String) namesAndValues[i]);
            }
            out.writeObjectBegin(name);
        }
        for (int i = 1; i < namesAndValues.length; i += 2) {
            out.writeObject(namesAndValues[i]);
        }
    }

    @Test
    void unknownFieldsAreSkippedAndOrderFollowsTheDefinition() throws IOException {
        byte[] bytes = Wire.raw(out -> {
            writeHandle(out, "LocalDateHandle", "era", List.of("ignored", 1), "day", 9, "month", 8, "year", 2023,
                    "extra", "x");
            writeHandle(out, "LocalDateHandle", "era", null, "day", 10, "month", 8, "year", 2023, "extra", 5L);
            out.writeString("after");
        });
        var in = Wire.read(bytes, ALLOWLIST);
        assertEquals(LocalDate.of(2023, 8, 9), in.readObject());
        assertEquals(LocalDate.of(2023, 8, 10), in.readObject());
        assertEquals("after", in.readUTF());
    }

    /** A LocalDateTimeHandle whose date and time are back-references to the handle itself. */
    private static byte[] selfReferencingDateTime() throws IOException {
        byte[] head = Wire.raw(out -> {
            out.writeObjectBegin(IO + "LocalDateTimeHandle");
            out.writeClassFieldLength(2);
            out.writeString("date");
            out.writeString("time");
            out.writeObjectBegin(IO + "LocalDateTimeHandle");
        });
        byte[] bytes = Arrays.copyOf(head, head.length + 4);
        // 'Q' then the compact int 0: a reference to the first object, twice
        bytes[head.length] = 0x51;
        bytes[head.length + 1] = (byte) 0x90;
        bytes[head.length + 2] = 0x51;
        bytes[head.length + 3] = (byte) 0x90;
        return bytes;
    }

    @Test
    void malformedHandlesFailWithIOException() throws IOException {
        List<byte[]> malformed = List.of(
                Wire.raw(out -> writeHandle(out, "LocalDateHandle", "year", 2024, "month", 13, "day", 1)),
                Wire.raw(out -> writeHandle(out, "LocalDateHandle", "year", 2023, "month", 2, "day", 29)),
                // missing fields are 0: day 0 is no date
                Wire.raw(out -> writeHandle(out, "LocalDateHandle", "year", 2024, "month", 1)),
                Wire.raw(out -> writeHandle(out, "LocalDateHandle", "year", "2024", "month", 1, "day", 1)),
                Wire.raw(out -> writeHandle(out, "LocalTimeHandle", "hour", 24, "minute", 0, "second", 0, "nano", 0)),
                Wire.raw(out -> writeHandle(out, "LocalTimeHandle", "hour", 1, "minute", 0, "second", 0, "nano", -1)),
                Wire.raw(out -> writeHandle(out, "LocalDateTimeHandle", "date", "2024-01-01", "time", LocalTime.NOON)),
                Wire.raw(out -> writeHandle(out, "LocalDateTimeHandle", "date", LocalDate.of(2024, 1, 1), "time", null)),
                Wire.raw(out -> writeHandle(out, "LocalDateTimeHandle", "time", LocalDate.of(2024, 1, 1),
                        "date", LocalTime.NOON)),
                Wire.raw(out -> writeHandle(out, "InstantHandle", "seconds", Long.MAX_VALUE, "nanos", 0)),
                Wire.raw(out -> writeHandle(out, "DurationHandle", "seconds", Long.MAX_VALUE, "nanos", 1_000_000_000)),
                // a nested value that refers back to its own, still unresolved, handle
                selfReferencingDateTime());
        for (int i = 0; i < malformed.size(); i++) {
            byte[] bytes = malformed.get(i);
            int index = i;
            IOException e = assertThrows(IOException.class, () -> Wire.readObject(bytes, ALLOWLIST), () -> "case " + index);
            // typed, as a field of a value object would read it
            assertThrows(IOException.class, () -> Wire.read(bytes, ALLOWLIST).readObject(Schedule.class, Schedule.class),
                    () -> "typed case " + index + " after " + e);
        }
    }

    @Test
    void handleIsRefusedWhenItsTypeIsNotAllowed() throws IOException {
        ClassAllowlist datesOnly = name -> name.equals("java.time.LocalDate");
        byte[] date = ferryBytes(List.of(LocalDate.of(2024, 1, 1)));
        assertEquals(LocalDate.of(2024, 1, 1), Wire.readObject(date, datesOnly));
        byte[] dateTime = ferryBytes(List.of(LocalDateTime.of(2024, 1, 1, 0, 0)));
        ClassRefusedException refused = assertThrows(ClassRefusedException.class, () -> Wire.readObject(dateTime, datesOnly));
        assertEquals(IO + "LocalDateTimeHandle", refused.className());
        assertThrows(ClassRefusedException.class, () -> Wire.readObject(date, name -> false));
    }

    @Test
    void nullStaysNull() throws IOException {
        byte[] bytes = ferryBytes(Arrays.asList(null, new Schedule()));
        var in = Wire.read(bytes, ALLOWLIST);
        assertNull(in.readObject());
        Schedule empty = assertInstanceOf(Schedule.class, in.readObject());
        assertNull(empty.day);
        assertNull(empty.start);
    }
}
