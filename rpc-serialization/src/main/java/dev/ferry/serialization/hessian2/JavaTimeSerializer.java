package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.AbstractSerializer;

import java.io.IOException;
import java.util.List;

/**
 * Writes one java.time type byte for byte as hessian-lite 4.0.3 does, without its per-value
 * reflection. hessian-lite's own serializer wraps each value in a fresh {@code *Handle} and
 * writes that with its reflective object serializer ({@code UnsafeSerializer}), so on the wire:
 * <ul>
 *   <li>the handle takes a reference slot ({@code addRef} of an object never seen before), so
 *       later back-references number the same; the value itself is never a back-reference, even
 *       when the same instance is written twice;</li>
 *   <li>the first handle of its class in a message writes the class definition (field count
 *       and names) and then the instance; later ones refer to the definition;</li>
 *   <li>the fields follow, each as its declared type writes.</li>
 * </ul>
 */
final class JavaTimeSerializer extends AbstractSerializer {

    private final JavaTimeHandle handle;
    private final String name;
    private final List<String> fields;

    JavaTimeSerializer(JavaTimeHandle handle) {
        this.handle = handle;
        this.name = handle.handleName();
        this.fields = handle.fieldNames();
    }

    @Override
    public void writeObject(Object value, AbstractHessianOutput out) throws IOException {
        if (value == null) {
            out.writeNull();
            return;
        }
        // Stands in for hessian-lite's fresh handle: takes its reference slot, never matches.
        out.addRef(new Object());
        int ref = out.writeObjectBegin(name);
        if (ref >= 0) {
            handle.writeFields(value, out);
        } else if (ref == -1) {
            out.writeClassFieldLength(fields.size());
            for (String field : fields) {
                out.writeString(field);
            }
            out.writeObjectBegin(name);
            handle.writeFields(value, out);
        } else {
            // Only hessian 1 writers answer -2 (a map form); this factory serves Hessian2Output.
            throw new IOException(out.getClass().getName() + " is not a hessian 2 writer");
        }
    }
}
