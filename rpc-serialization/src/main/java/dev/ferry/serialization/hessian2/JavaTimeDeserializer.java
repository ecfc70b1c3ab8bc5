package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.AbstractDeserializer;
import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;

import java.io.IOException;

/**
 * Reads one of hessian-lite's {@code java8.*Handle} objects straight into its java.time value,
 * without loading the handle class or resolving it by reflection per value.
 *
 * <p>References number as with hessian-lite's reader: the handle takes a slot before its fields
 * (a {@code LocalDateTime}'s nested date and time come after it), and the slot holds the
 * resolved value once read. Fields the handle does not have are read and dropped; an invalid
 * value (month 13, a date field that is not a date) fails with an {@link IOException}, where
 * hessian-lite's handle would resolve to null.
 */
final class JavaTimeDeserializer extends AbstractDeserializer {

    private final JavaTimeHandle handle;

    JavaTimeDeserializer(JavaTimeHandle handle) {
        this.handle = handle;
    }

    @Override
    public Class<?> getType() {
        return handle.type();
    }

    @Override
    public boolean isReadResolve() {
        // As the handle's reader: kept whatever type the caller expects.
        return true;
    }

    @Override
    public Object[] createFields(int len) {
        return new Object[len];
    }

    @Override
    public Object createField(String name) {
        // Resolved once per class definition, so reading an instance compares no strings.
        return handle.fieldIndex(name);
    }

    @Override
    public Object readObject(AbstractHessianInput in, Object[] fields) throws IOException {
        int ref = in.addRef(null);
        Object value = handle.readValue(in, fields);
        in.setRef(ref, value);
        return value;
    }

    @Override
    public Object readObject(AbstractHessianInput in, String[] fieldNames) throws IOException {
        Object[] fields = new Object[fieldNames.length];
        for (int i = 0; i < fieldNames.length; i++) {
            fields[i] = handle.fieldIndex(fieldNames[i]);
        }
        return readObject(in, fields);
    }

    @Override
    public Object readMap(AbstractHessianInput in) throws IOException {
        throw new IOException(handle.handleName() + " is only read as an object, not a map");
    }

    @Override
    public String toString() {
        return "JavaTimeDeserializer[" + handle.handleName() + "]";
    }
}
