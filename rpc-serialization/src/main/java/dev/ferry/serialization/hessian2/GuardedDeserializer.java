package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.ArrayDeserializer;
import com.alibaba.com.caucho.hessian.io.BasicDeserializer;
import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;

import java.io.IOException;
import java.lang.reflect.Array;

/**
 * Wraps a hessian-lite deserializer so that lengths declared by the bytes cannot make it
 * allocate more than the bytes can fill.
 *
 * <p>hessian-lite trusts two declared counts: a class definition's field count (it allocates
 * {@code new String[count]} and the field table before reading a single name), and a fixed-length
 * list's length when the list is an array ({@code new int[length]}, {@code Array.newInstance}).
 * A few bytes declaring two billion elements would throw {@link OutOfMemoryError}, and a nest of
 * arrays each declaring thousands would multiply the memory per byte of input. Here a field count
 * is capped at the JVM's own limit, and an array longer than {@link #EAGER_ARRAY_LENGTH} grows as
 * its elements actually arrive.
 */
final class GuardedDeserializer implements Deserializer {

    /** A class file cannot declare more fields than this. */
    static final int MAX_FIELDS = 65_535;

    /** Arrays up to this length are allocated at once, as hessian-lite does. */
    static final int EAGER_ARRAY_LENGTH = 256;

    private final Deserializer delegate;
    /** Element type when this reads an array whose element reads we reproduce, else null. */
    private final Class<?> component;
    private final boolean basic;

    private GuardedDeserializer(Deserializer delegate) {
        this.delegate = delegate;
        this.basic = delegate instanceof BasicDeserializer;
        Class<?> type = delegate.getType();
        Class<?> element = type != null && type.isArray() ? type.getComponentType() : null;
        boolean known = basic || delegate instanceof ArrayDeserializer;
        // byte[] and char[] are not hessian lists; leave them (and unknown array readers) alone.
        this.component = known && element != null && element != byte.class && element != char.class
                ? element : null;
    }

    static Deserializer guard(Deserializer deserializer) {
        if (deserializer == null || deserializer instanceof GuardedDeserializer
                || deserializer instanceof AllowlistSerializerFactory.RefusingDeserializer) {
            return deserializer;
        }
        return new GuardedDeserializer(deserializer);
    }

    @Override
    public Object[] createFields(int len) {
        if (len < 0 || len > MAX_FIELDS) {
            // Called before hessian-lite allocates new String[len]; no checked exception fits here.
            throw Sneaky.sneak(new HessianProtocolException(
                    "class definition declares " + len + " fields; at most " + MAX_FIELDS + " are possible"));
        }
        return delegate.createFields(len);
    }

    @Override
    public Object readLengthList(AbstractHessianInput in, int length) throws IOException {
        if (component != null && length > EAGER_ARRAY_LENGTH) {
            return readGrowingArray(in, length);
        }
        return delegate.readLengthList(in, length);
    }

    @Override
    public Object readLengthList(AbstractHessianInput in, int length, Class<?> expectedClass) throws IOException {
        // The form Hessian2Input calls. Always passed on as this form: in hessian-lite 4.0.3 the
        // two-argument CollectionDeserializer.readLengthList reads a list with an end marker instead.
        if (component != null && length > EAGER_ARRAY_LENGTH && expectedClass == null) {
            return readGrowingArray(in, length);
        }
        return delegate.readLengthList(in, length, expectedClass);
    }

    @Override
    public Object readList(AbstractHessianInput in, int length, Class<?> expectedClass) throws IOException {
        return delegate.readList(in, length, expectedClass);
    }

    /**
     * Reads {@code length} elements the way hessian-lite's array readers do, but allocates only
     * as many slots as elements have arrived (doubling). The array's back-reference slot is
     * taken first, as hessian-lite does, and filled at the end: an element that refers back to
     * its own, still incomplete, array (only possible in arrays longer than
     * {@link #EAGER_ARRAY_LENGTH}) sees null.
     */
    private Object readGrowingArray(AbstractHessianInput in, int length) throws IOException {
        int ref = in.addRef(null);
        int capacity = EAGER_ARRAY_LENGTH;
        Object array = Array.newInstance(component, capacity);
        for (int i = 0; i < length; i++) {
            if (i == capacity) {
                capacity = (int) Math.min(2L * capacity, length);
                array = resize(array, capacity);
            }
            readElement(in, array, i);
        }
        if (capacity != length) {
            array = resize(array, length);
        }
        in.setRef(ref, array);
        return array;
    }

    private Object resize(Object array, int length) {
        Object copy = Array.newInstance(component, length);
        System.arraycopy(array, 0, copy, 0, Math.min(length, Array.getLength(array)));
        return copy;
    }

    /** Mirrors BasicDeserializer's and ArrayDeserializer's element reads. */
    private void readElement(AbstractHessianInput in, Object array, int i) throws IOException {
        if (array instanceof int[] a) {
            a[i] = in.readInt();
        } else if (array instanceof long[] a) {
            a[i] = in.readLong();
        } else if (array instanceof double[] a) {
            a[i] = in.readDouble();
        } else if (array instanceof boolean[] a) {
            a[i] = in.readBoolean();
        } else if (array instanceof short[] a) {
            a[i] = (short) in.readInt();
        } else if (array instanceof float[] a) {
            a[i] = (float) in.readDouble();
        } else {
            Object[] a = (Object[]) array;
            if (basic) {
                a[i] = component == String.class ? in.readString() : in.readObject();
            } else {
                a[i] = in.readObject(component);
            }
        }
    }

    // Plain delegation below.

    @Override
    public Class<?> getType() {
        return delegate.getType();
    }

    @Override
    public boolean isReadResolve() {
        return delegate.isReadResolve();
    }

    @Override
    public Object readObject(AbstractHessianInput in) throws IOException {
        return delegate.readObject(in);
    }

    @Override
    public Object readList(AbstractHessianInput in, int length) throws IOException {
        // Hessian2Input only calls this with -1 (a list that ends with a marker), which grows as it reads.
        return delegate.readList(in, length);
    }

    @Override
    public Object readMap(AbstractHessianInput in) throws IOException {
        return delegate.readMap(in);
    }

    @Override
    public Object readMap(AbstractHessianInput in, Class<?> expectKeyType, Class<?> expectValueType) throws IOException {
        return delegate.readMap(in, expectKeyType, expectValueType);
    }

    @Override
    public Object createField(String name) {
        return delegate.createField(name);
    }

    @Override
    public Object readObject(AbstractHessianInput in, Object[] fields) throws IOException {
        return delegate.readObject(in, fields);
    }

    @Override
    public Object readObject(AbstractHessianInput in, String[] fieldNames) throws IOException {
        return delegate.readObject(in, fieldNames);
    }

    @Override
    public String toString() {
        return "Guarded[" + delegate.getClass().getSimpleName() + "]";
    }
}
