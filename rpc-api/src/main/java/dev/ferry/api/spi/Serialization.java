package dev.ferry.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A wire format for values. Its {@link #id()} is the serialization id carried in the low five
 * bits of the frame header's flag byte (Dubbo's ids: hessian2 2, java 3, protobuf 22,
 * fastjson2 23).
 */
public interface Serialization {

    /** The id carried on the wire. */
    byte id();

    /** A writer over {@code out}. */
    ObjectOutput serialize(OutputStream out) throws IOException;

    /** A reader over {@code in} that only instantiates classes {@code allowlist} allows. */
    ObjectInput deserialize(InputStream in, ClassAllowlist allowlist) throws IOException;
}
