package dev.ferry.serialization.hessian2;

import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.Serializer;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * The writers' hessian-lite factory: hessian-lite's own serializers, except for the java.time
 * types of {@link JavaTimeHandle}, which {@link JavaTimeSerializer} writes to the same bytes
 * without hessian-lite's per-value reflection.
 */
final class JavaTimeSerializerFactory extends SerializerFactory {

    private static final Serializer LOCAL_DATE = new JavaTimeSerializer(JavaTimeHandle.LOCAL_DATE);
    private static final Serializer LOCAL_TIME = new JavaTimeSerializer(JavaTimeHandle.LOCAL_TIME);
    private static final Serializer LOCAL_DATE_TIME = new JavaTimeSerializer(JavaTimeHandle.LOCAL_DATE_TIME);
    private static final Serializer INSTANT = new JavaTimeSerializer(JavaTimeHandle.INSTANT);
    private static final Serializer DURATION = new JavaTimeSerializer(JavaTimeHandle.DURATION);

    JavaTimeSerializerFactory(ClassLoader loader) {
        super(loader);
    }

    @Override
    public Serializer getSerializer(Class cl) throws HessianProtocolException {
        // The java.time classes are final: identity checks are exact, and cheaper than a map.
        if (cl == LocalDateTime.class) {
            return LOCAL_DATE_TIME;
        } else if (cl == LocalDate.class) {
            return LOCAL_DATE;
        } else if (cl == LocalTime.class) {
            return LOCAL_TIME;
        } else if (cl == Instant.class) {
            return INSTANT;
        } else if (cl == Duration.class) {
            return DURATION;
        }
        return super.getSerializer(cl);
    }
}
