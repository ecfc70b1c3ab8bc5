package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/**
 * The java.time values hessian-lite writes as one of its {@code java8.*Handle} objects, described
 * once: the handle's class name, its fields in the order hessian-lite's reflective serializer
 * writes them, and how to write and build the value without reflection.
 *
 * <p>The wire form is hessian-lite 4.0.3's (and so Apache Dubbo's) exactly: the handle classes'
 * declared fields, in the order hessian-lite's {@code UnsafeSerializer} writes them (the reverse
 * of their declaration: {@code day, month, year}), {@code int}s as hessian ints, {@code long}s
 * as hessian longs, and {@code Object} fields (a {@link LocalDateTime}'s time and date) as nested
 * handles. The byte-for-byte tests against hessian-lite and Dubbo pin that order.
 */
enum JavaTimeHandle {

    LOCAL_DATE(LocalDate.class, "LocalDateHandle", "day", "month", "year") {
        @Override
        void writeFields(Object value, AbstractHessianOutput out) throws IOException {
            LocalDate date = (LocalDate) value;
            out.writeInt(date.getDayOfMonth());
            out.writeInt(date.getMonthValue());
            out.writeInt(date.getYear());
        }

        @Override
        Object read(AbstractHessianInput in, Object[] fields) throws IOException {
            int year = 0;
            int month = 0;
            int day = 0;
            for (Object field : fields) {
                switch (index(field)) {
                    case 0 -> day = in.readInt();
                    case 1 -> month = in.readInt();
                    case 2 -> year = in.readInt();
                    default -> in.readObject();
                }
            }
            return LocalDate.of(year, month, day);
        }
    },

    LOCAL_TIME(LocalTime.class, "LocalTimeHandle", "nano", "second", "minute", "hour") {
        @Override
        void writeFields(Object value, AbstractHessianOutput out) throws IOException {
            LocalTime time = (LocalTime) value;
            out.writeInt(time.getNano());
            out.writeInt(time.getSecond());
            out.writeInt(time.getMinute());
            out.writeInt(time.getHour());
        }

        @Override
        Object read(AbstractHessianInput in, Object[] fields) throws IOException {
            int hour = 0;
            int minute = 0;
            int second = 0;
            int nano = 0;
            for (Object field : fields) {
                switch (index(field)) {
                    case 0 -> nano = in.readInt();
                    case 1 -> second = in.readInt();
                    case 2 -> minute = in.readInt();
                    case 3 -> hour = in.readInt();
                    default -> in.readObject();
                }
            }
            return LocalTime.of(hour, minute, second, nano);
        }
    },

    LOCAL_DATE_TIME(LocalDateTime.class, "LocalDateTimeHandle", "time", "date") {
        @Override
        void writeFields(Object value, AbstractHessianOutput out) throws IOException {
            LocalDateTime dateTime = (LocalDateTime) value;
            // Object fields: hessian-lite writes each as a nested handle of its own.
            out.writeObject(dateTime.toLocalTime());
            out.writeObject(dateTime.toLocalDate());
        }

        @Override
        Object read(AbstractHessianInput in, Object[] fields) throws IOException {
            Object date = null;
            Object time = null;
            for (Object field : fields) {
                switch (index(field)) {
                    case 0 -> time = in.readObject();
                    case 1 -> date = in.readObject();
                    default -> in.readObject();
                }
            }
            if (date instanceof LocalDate localDate && time instanceof LocalTime localTime) {
                return LocalDateTime.of(localDate, localTime);
            }
            throw new HessianProtocolException(handleName() + " needs a LocalDate and a LocalTime, not "
                    + describe(date) + " and " + describe(time));
        }
    },

    INSTANT(Instant.class, "InstantHandle", "nanos", "seconds") {
        @Override
        void writeFields(Object value, AbstractHessianOutput out) throws IOException {
            Instant instant = (Instant) value;
            writeNanosAndSeconds(out, instant.getNano(), instant.getEpochSecond());
        }

        @Override
        Object read(AbstractHessianInput in, Object[] fields) throws IOException {
            long[] secondsAndNanos = readSecondsAndNanos(in, fields);
            // As the handle resolves it: nanos is an adjustment, not range-checked.
            return Instant.ofEpochSecond(secondsAndNanos[0], secondsAndNanos[1]);
        }
    },

    DURATION(Duration.class, "DurationHandle", "nanos", "seconds") {
        @Override
        void writeFields(Object value, AbstractHessianOutput out) throws IOException {
            Duration duration = (Duration) value;
            writeNanosAndSeconds(out, duration.getNano(), duration.getSeconds());
        }

        @Override
        Object read(AbstractHessianInput in, Object[] fields) throws IOException {
            long[] secondsAndNanos = readSecondsAndNanos(in, fields);
            return Duration.ofSeconds(secondsAndNanos[0], secondsAndNanos[1]);
        }
    };

    /** The fields of a handle that holds an int {@code nanos} and a long {@code seconds}, in that order. */
    private static void writeNanosAndSeconds(AbstractHessianOutput out, int nanos, long seconds) throws IOException {
        out.writeInt(nanos);
        out.writeLong(seconds);
    }

    /** {@code {seconds, nanos}} of a handle with fields {@code nanos} and {@code seconds}, in any order. */
    private static long[] readSecondsAndNanos(AbstractHessianInput in, Object[] fields) throws IOException {
        long seconds = 0;
        int nanos = 0;
        for (Object field : fields) {
            switch (index(field)) {
                case 0 -> nanos = in.readInt();
                case 1 -> seconds = in.readLong();
                default -> in.readObject();
            }
        }
        return new long[] {seconds, nanos};
    }

    private static final String PACKAGE = "com.alibaba.com.caucho.hessian.io.java8.";
    private static final Map<String, JavaTimeHandle> BY_NAME = byName();
    /** Field indexes, boxed once: {@link #fieldIndex(String)} results are kept in class definitions. */
    private static final Integer UNKNOWN = -1;

    private final Class<?> type;
    private final String handleName;
    private final List<String> fieldNames;
    private final Integer[] indexes;

    JavaTimeHandle(Class<?> type, String handleSimpleName, String... fieldNames) {
        this.type = type;
        this.handleName = PACKAGE + handleSimpleName;
        this.fieldNames = List.of(fieldNames);
        this.indexes = new Integer[fieldNames.length];
        for (int i = 0; i < fieldNames.length; i++) {
            indexes[i] = i;
        }
    }

    /** The handle for a hessian class name, or null. */
    static JavaTimeHandle forHandleName(String name) {
        return BY_NAME.get(name);
    }

    /** The java.time type this handle stands for. */
    Class<?> type() {
        return type;
    }

    /** The hessian-lite handle class name written on the wire. */
    String handleName() {
        return handleName;
    }

    List<String> fieldNames() {
        return fieldNames;
    }

    /** The position of a field name read from a class definition, {@code -1} when not ours. */
    Integer fieldIndex(String name) {
        int i = fieldNames.indexOf(name);
        return i < 0 ? UNKNOWN : indexes[i];
    }

    /** Writes the field values, in {@link #fieldNames()} order. */
    abstract void writeFields(Object value, AbstractHessianOutput out) throws IOException;

    /**
     * Reads one instance's field values ({@code fields}: {@link #fieldIndex(String)} per field of
     * the class definition, in the order the bytes give them) and builds the value. Fields not
     * ours are read and dropped, missing ones are 0, as hessian-lite's field reader does.
     */
    abstract Object read(AbstractHessianInput in, Object[] fields) throws IOException;

    /** Reads and builds the value; an invalid one (month 13) is malformed input. */
    Object readValue(AbstractHessianInput in, Object[] fields) throws IOException {
        try {
            return read(in, fields);
        } catch (DateTimeException | ArithmeticException | ClassCastException e) {
            throw new HessianProtocolException(handleName + ": " + e.getMessage());
        }
    }

    private static int index(Object field) {
        return field instanceof Integer i ? i : -1;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static Map<String, JavaTimeHandle> byName() {
        Map<String, JavaTimeHandle> map = new java.util.HashMap<>();
        for (JavaTimeHandle handle : values()) {
            map.put(handle.handleName, handle);
        }
        return Map.copyOf(map);
    }
}
