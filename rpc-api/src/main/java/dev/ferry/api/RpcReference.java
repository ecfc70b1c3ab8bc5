package dev.ferry.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field that a bootstrap fills with a proxy to a remote service. The field's type is
 * the service interface unless {@link #interfaceClass()} says otherwise.
 *
 * <p>Empty strings and negative numbers mean "use the default" documented in the README.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface RpcReference {

    /** The service interface; defaults to the field's type. */
    Class<?> interfaceClass() default void.class;

    /** Service version; part of the service key. */
    String version() default "";

    /** Service group; part of the service key. */
    String group() default "";

    /** Protocol to call over, by name; empty picks the bootstrap's default protocol. */
    String protocol() default "";

    /** Serialization to write requests with, by name. */
    String serialization() default "";

    /** Call timeout in milliseconds. */
    int timeout() default -1;

    /** Extra attempts after a failed one (failover); the first attempt is not counted. */
    int retries() default -1;

    /** Cluster strategy by name ({@code "failover"} …). */
    String cluster() default "";

    /** Load balancer by name ({@code "random"} …). */
    String loadbalance() default "";

    /** Routing tag put on every call (gray release). */
    String tag() default "";

    /**
     * Direct provider addresses, bypassing any registry, e.g.
     * {@code "dubbo://10.0.0.7:20880"} or {@code "rocketmq://127.0.0.1:9876"}; several are
     * separated by commas.
     */
    String url() default "";

    /**
     * When true, synchronous interface methods return at once with {@code null} (or a
     * primitive's zero) and the result is taken from {@code RpcContext}; methods that return
     * {@code CompletableFuture} are always asynchronous.
     */
    boolean async() default false;
}
