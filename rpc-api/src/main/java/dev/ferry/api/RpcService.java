package dev.ferry.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as the implementation of a remote service. A bootstrap that is handed an
 * instance of the class exports it on the named protocol.
 *
 * <p>Empty strings and non-positive numbers mean "use the default" documented in the README.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService {

    /** The service interface; defaults to the single interface the class implements. */
    Class<?> interfaceClass() default void.class;

    /** Service version; part of the service key. */
    String version() default "";

    /** Service group; part of the service key. */
    String group() default "";

    /** Protocols to export on, by name ({@code "dubbo"}, {@code "rocketmq"}, {@code "injvm"}). */
    String[] protocol() default {};

    /** Serializations the service accepts, by name; the first is the one it prefers. */
    String[] serialization() default {};

    /** Default timeout in milliseconds that the provider suggests to its callers. */
    int timeout() default 0;

    /** Default retries that the provider suggests to its callers; negative means unset. */
    int retries() default -1;

    /** Cluster strategy the provider suggests to its callers. */
    String cluster() default "";

    /** Load balancer the provider suggests to its callers. */
    String loadbalance() default "";

    /** Relative weight of this instance for weighted load balancing. */
    int weight() default 0;

    /** Routing tag of this instance (gray release); empty means untagged. */
    String tag() default "";
}
