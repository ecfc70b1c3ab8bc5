package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import dev.ferry.api.spi.ObjectOutput;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes as Apache Dubbo's {@code Hessian2ObjectOutput} does: {@code writeByte} as a hessian
 * int, {@code writeUTF} as a hessian string, values with {@code Hessian2Output.writeObject}.
 * Not thread-safe; one per message, flushed once at its end.
 */
final class Hessian2ObjectOutput implements ObjectOutput {

    private final Hessian2Output out;
    private final Reusable owner;

    Hessian2ObjectOutput(OutputStream stream, SerializerFactory factory, Reusable reusable) {
        if (reusable != null && reusable.take()) {
            // A Hessian2Output carries an 8 KB buffer and reference tables: one per thread is
            // re-initialised per message instead of allocated per message.
            this.owner = reusable;
            this.out = reusable.output;
            reusable.output.attach(stream);
        } else {
            this.owner = null;
            this.out = new Hessian2Output(stream);
            this.out.setSerializerFactory(factory);
        }
    }

    @Override
    public void writeObject(Object value) throws IOException {
        try {
            out.writeObject(value);
        } catch (RuntimeException e) {
            release();
            // e.g. "Serialized class com.x.Y must implement java.io.Serializable"
            throw new IOException("hessian2 cannot serialize "
                    + (value == null ? "null" : value.getClass().getName()) + ": " + e.getMessage(), e);
        } catch (IOException e) {
            release();
            throw e;
        }
    }

    @Override
    public void writeUTF(String value) throws IOException {
        out.writeString(value);
    }

    @Override
    public void writeByte(byte value) throws IOException {
        out.writeInt(value);
    }

    @Override
    public void writeInt(int value) throws IOException {
        out.writeInt(value);
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } finally {
            release();
        }
    }

    private void release() {
        if (owner != null) {
            // Resets (the next message starts from a clean state without resetting again) and
            // lets go of the message's stream and of the objects its reference tables held.
            out.init(null);
            owner.give();
        }
    }

    /**
     * One thread's reusable writer. Taken for one message and given back at its flush; a
     * writer needed while the thread's one is taken (a serializer that itself serializes)
     * is a fresh one.
     */
    static final class Reusable {
        final AttachableOutput output;
        private boolean taken;

        Reusable(SerializerFactory factory) {
            this.output = new AttachableOutput();
            this.output.setSerializerFactory(factory);
        }

        boolean take() {
            if (taken) {
                return false;
            }
            taken = true;
            return true;
        }

        void give() {
            taken = false;
        }
    }

    /**
     * A writer that takes its next stream without a reset: it was reset when given back, and a
     * reset clears two 256-slot reference tables, a visible part of encoding a small message.
     */
    static final class AttachableOutput extends Hessian2Output {
        AttachableOutput() {
            super(null);
        }

        void attach(OutputStream stream) {
            _os = stream;
        }
    }
}
