package dev.ferry.serialization.java;

import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.serialization.ClassRefusedException;
import dev.ferry.serialization.ReadFailures;
import dev.ferry.serialization.Primitives;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.UTFDataFormatException;
import java.lang.reflect.Type;

/**
 * Reads what {@link JavaObjectOutput} (or Dubbo's {@code JavaObjectOutput}) writes, through an
 * {@link AllowlistObjectInputStream}. Every failure is an {@link IOException}; a refused class a
 * {@link ClassRefusedException}. Not thread-safe; one per message.
 */
final class JavaObjectInput implements ObjectInput {

    private final AllowlistObjectInputStream in;

    JavaObjectInput(InputStream stream, ClassAllowlist allowlist, ClassLoader loader) throws IOException {
        try {
            this.in = new AllowlistObjectInputStream(stream, allowlist, loader);
        } catch (RuntimeException e) {
            throw new IOException("malformed java serialization header: " + e, e);
        }
    }

    @Override
    public Object readObject() throws IOException {
        return readObject(Object.class, Object.class);
    }

    @Override
    public Object readObject(Class<?> rawType, Type type) throws IOException {
        Object value;
        try {
            if (in.readByte() == 0) {
                return null;
            }
            value = in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("java serialization input names a class that is not here: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw translate(e);
        }
        Class<?> raw = rawType == null ? Object.class : Primitives.boxed(rawType);
        if (value != null && !raw.isInstance(value)) {
            throw new IOException("java serialization input holds a " + value.getClass().getName() + " where a "
                    + raw.getName() + " is expected");
        }
        return value;
    }

    @Override
    public String readUTF() throws IOException {
        try {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            return in.readUTF();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public byte readByte() throws IOException {
        try {
            return in.readByte();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public int readInt() throws IOException {
        try {
            return in.readInt();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    private static IOException translate(Throwable t) {
        ClassRefusedException refused = ReadFailures.refusal(t);
        if (refused != null) {
            return refused;
        }
        if (t instanceof InvalidClassException invalid && invalid.getMessage() != null
                && invalid.getMessage().contains("filter status: REJECTED")) {
            return new IOException("java serialization input refused by its limits: " + invalid.getMessage(), invalid);
        }
        if (t instanceof UTFDataFormatException || t instanceof IOException) {
            return (IOException) t;
        }
        if (t instanceof StackOverflowError) {
            return new IOException("java serialization input is nested too deeply to decode");
        }
        // Malformed streams make ObjectInputStream throw unchecked exceptions too.
        return new IOException("malformed java serialization input: " + t, t);
    }
}
