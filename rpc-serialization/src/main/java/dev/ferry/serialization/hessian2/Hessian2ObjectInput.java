package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.ReadFailures;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads as Apache Dubbo's {@code Hessian2ObjectInput} does ({@code readByte} is a hessian int
 * cast to byte, {@code readUTF} a hessian string, {@code readObject(Class, Type)} hessian-lite's
 * typed {@code readObject(Class)}), through an {@link AllowlistSerializerFactory}.
 *
 * <p>Every failure leaves as an {@link IOException}: a refusal as the
 * {@link ClassRefusedException} itself even when hessian-lite wrapped it (e.g. in a field
 * error), malformed bytes that make hessian-lite throw a runtime exception, input nested so
 * deeply that reading it overflows the stack, and truncated input. hessian-lite reads the end of
 * the stream as a character U+FFFF inside a string, and as the end marker of a map or
 * list, so a truncated value can decode "successfully"; a value complete in its bytes never
 * needs to read past them, so any read that reached the end of the stream fails here with an
 * {@link EOFException}. Not thread-safe; one per message, closed at its end.
 */
final class Hessian2ObjectInput implements ObjectInput {

    /**
     * Largest message after which a reader is lent again: reading a long string grows the
     * reader's string buffer to its length for good, which a thread should not keep.
     */
    static final int REUSE_LIMIT = 64 * 1024;

    private final Hessian2Input in;
    private final EndTracking stream;
    private final Function<ClassAllowlist, AllowlistSerializerFactory> factories;
    /** The thread's reader this input borrowed, or null when it has its own. */
    private Reusable borrowed;
    private boolean failed;
    private boolean closed;
    /** Held strongly while reading: the factory and its cache hold the allowlist only weakly. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private ClassAllowlist allowlist;

    /**
     * @param factories the serializer factory of an allowlist (one per allowlist, cached)
     * @param reusable  the thread's reader, used when free; null for a reader of its own
     */
    Hessian2ObjectInput(InputStream stream, Function<ClassAllowlist, AllowlistSerializerFactory> factories,
                        ClassAllowlist allowlist, Reusable reusable) {
        if (reusable != null && reusable.take()) {
            // A Hessian2Input carries a 1 KB buffer and three reference lists: one per thread is
            // re-initialised per message instead of allocated per message.
            this.borrowed = reusable;
            this.stream = reusable.stream;
            this.in = reusable.input;
            this.stream.open(stream);
            this.in.init(this.stream);
        } else {
            this.stream = new EndTracking(stream);
            this.in = new Hessian2Input(this.stream);
        }
        this.factories = factories;
        this.in.setSerializerFactory(factories.apply(allowlist));
        this.allowlist = allowlist;
    }

    @Override
    public Object readObject() throws IOException {
        ensureOpen();
        try {
            return complete(in.readObject());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public Object readObject(Class<?> rawType, Type type) throws IOException {
        ensureOpen();
        try {
            return complete(rawType == null ? in.readObject() : in.readObject(rawType));
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public String readUTF() throws IOException {
        ensureOpen();
        try {
            return complete(in.readString());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public byte readByte() throws IOException {
        ensureOpen();
        try {
            return (byte) complete(in.readInt());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public int readInt() throws IOException {
        ensureOpen();
        try {
            return complete(in.readInt());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    /**
     * Switches hessian-lite's serializer factory: types are resolved through the factory at the
     * moment a value names them, and strings name none, so what was read before is unaffected.
     */
    @Override
    public boolean useAllowlist(ClassAllowlist allowlist) {
        in.setSerializerFactory(factories.apply(Objects.requireNonNull(allowlist, "allowlist")));
        this.allowlist = allowlist;
        return true;
    }

    /**
     * Gives the thread's reader back for the next message, emptied of this one's references. A
     * reader whose read failed may hold half-read state, and one that read a large message may
     * hold a large buffer: those are dropped, and the thread gets a new one.
     */
    @Override
    public void close() {
        closed = true;
        Reusable r = borrowed;
        if (r == null) {
            return;
        }
        borrowed = null;
        if (failed || stream.bytesRead > REUSE_LIMIT) {
            r.discard();
        } else {
            r.give();
        }
    }

    /** The reusable reader this input borrowed, null when it has its own (for tests). */
    Reusable borrowed() {
        return borrowed;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("hessian2 input is closed");
        }
    }

    private <T> T complete(T value) throws EOFException {
        checkNotTruncated();
        return value;
    }

    private int complete(int value) throws EOFException {
        checkNotTruncated();
        return value;
    }

    private void checkNotTruncated() throws EOFException {
        if (stream.reachedEnd) {
            failed = true;
            throw new EOFException("hessian2 input ends inside a value (truncated?)");
        }
    }

    private IOException translate(Throwable t) {
        failed = true;
        return ReadFailures.translate("hessian2 input", t);
    }

    /**
     * A reusable reader, lent to one message at a time and given back when its input closes.
     * A serialization keeps one per thread and replaces it while it is out (a deserializer
     * that itself deserializes, an input nobody closed) or after a failed read.
     */
    static final class Reusable {
        private final EndTracking stream = new EndTracking(null);
        private final Hessian2Input input = new Hessian2Input(stream);
        private boolean taken;
        private boolean discarded;

        boolean take() {
            if (!free()) {
                return false;
            }
            taken = true;
            return true;
        }

        /** Neither lent out nor discarded. */
        boolean free() {
            return !taken && !discarded;
        }

        void give() {
            input.init(null); // forgets the message's references and classes
            skipBuffered(input);
            stream.open(null);
            taken = false;
        }

        /** After a failed read, which may leave half-read state: never lent again. */
        void discard() {
            discarded = true;
            stream.open(null);
        }

        /** Empties the read buffer; bytes a message left unread there belong to no later message. */
        private static void skipBuffered(Hessian2Input input) {
            try {
                input.resetBuffer();
            } catch (IllegalStateException unread) {
                // resetBuffer empties the buffer and then complains that it was not empty: fine here.
            }
        }
    }

    /** Remembers whether a read found the end of the stream. */
    private static final class EndTracking extends FilterInputStream {

        boolean reachedEnd;
        long bytesRead;

        EndTracking(InputStream in) {
            super(in);
        }

        void open(InputStream message) {
            in = message;
            reachedEnd = false;
            bytesRead = 0;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                reachedEnd = true;
            } else {
                bytesRead++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0 && length > 0) {
                reachedEnd = true;
            } else if (n > 0) {
                bytesRead += n;
            }
            return n;
        }
    }
}
