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
 * {@link EOFException}. Not thread-safe; one per message.
 */
final class Hessian2ObjectInput implements ObjectInput {

    private final Hessian2Input in;
    private final EndTracking stream;
    private final Function<ClassAllowlist, AllowlistSerializerFactory> factories;
    /** Held strongly while reading: the factory and its cache hold the allowlist only weakly. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private ClassAllowlist allowlist;

    /** @param factories the serializer factory of an allowlist (one per allowlist, cached) */
    Hessian2ObjectInput(InputStream stream, Function<ClassAllowlist, AllowlistSerializerFactory> factories,
                        ClassAllowlist allowlist) {
        this.stream = new EndTracking(stream);
        this.in = new Hessian2Input(this.stream);
        this.factories = factories;
        this.in.setSerializerFactory(factories.apply(allowlist));
        this.allowlist = allowlist;
    }

    @Override
    public Object readObject() throws IOException {
        try {
            return complete(in.readObject());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public Object readObject(Class<?> rawType, Type type) throws IOException {
        try {
            return complete(rawType == null ? in.readObject() : in.readObject(rawType));
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public String readUTF() throws IOException {
        try {
            return complete(in.readString());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public byte readByte() throws IOException {
        try {
            return (byte) complete(in.readInt());
        } catch (Throwable t) {
            throw translate(t);
        }
    }

    @Override
    public int readInt() throws IOException {
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
            throw new EOFException("hessian2 input ends inside a value (truncated?)");
        }
    }

    private static IOException translate(Throwable t) {
        return ReadFailures.translate("hessian2 input", t);
    }

    /** Remembers whether a read found the end of the stream. */
    private static final class EndTracking extends FilterInputStream {

        boolean reachedEnd;

        EndTracking(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                reachedEnd = true;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0 && length > 0) {
                reachedEnd = true;
            }
            return n;
        }
    }
}
