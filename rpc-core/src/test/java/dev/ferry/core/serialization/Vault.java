package dev.ferry.core.serialization;

import com.google.protobuf.StringValue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/** A service and its value types for the serialization tests of the codec path. */
public interface Vault {

    /** Stores anything the allowlist lets through; returns what it got. */
    Object store(Object value);

    Entry put(Entry entry) throws VaultException;

    String echo(String text);

    /** A reply of {@code size} bytes. */
    byte[] blob(int size);

    Map<String, List<Entry>> index(List<Entry> entries);

    StringValue name(StringValue value) throws VaultException;

    /** A record with nested generics. */
    record Entry(String id, BigDecimal amount, LocalDate day, List<Line> lines) implements Serializable {
    }

    /** A nested record. */
    record Line(String sku, int quantity) implements Serializable {
    }

    /** The service's own exception, with a cause. */
    class VaultException extends Exception {
        private static final long serialVersionUID = 1L;

        public VaultException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Named by no method of the interface: allowed only when a configuration adds it. */
    final class Extra implements Serializable {
        private static final long serialVersionUID = 1L;

        private String note;

        public Extra() {
        }

        public Extra(String note) {
            this.note = note;
        }

        public String note() {
            return note;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Extra e && Objects.equals(e.note, note);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(note);
        }
    }

    /** Records every instance ever created, however it was created. */
    final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final AtomicInteger CREATED = new AtomicInteger();

        private String command;

        public Gadget() {
            CREATED.incrementAndGet();
        }

        public Gadget(String command) {
            this();
            this.command = command;
        }

        private Object readResolve() {
            CREATED.incrementAndGet();
            return this;
        }

        public String command() {
            return command;
        }
    }

    /** The implementation the tests export. */
    final class Impl implements Vault {
        @Override
        public Object store(Object value) {
            return value;
        }

        @Override
        public Entry put(Entry entry) throws VaultException {
            if (entry.id().isEmpty()) {
                throw new VaultException("empty id", new IllegalArgumentException("id"));
            }
            return entry;
        }

        @Override
        public String echo(String text) {
            return text;
        }

        @Override
        public byte[] blob(int size) {
            return new byte[size];
        }

        @Override
        public Map<String, List<Entry>> index(List<Entry> entries) {
            return Map.of("all", entries);
        }

        @Override
        public StringValue name(StringValue value) throws VaultException {
            if (value.getValue().isEmpty()) {
                throw new VaultException("no name", null);
            }
            return StringValue.of("hello " + value.getValue());
        }
    }
}
