package dev.ferry.api.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an implementation of an extension point so configuration can pick it by name.
 * Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/<extension point interface>} and give it a public no-argument
 * constructor.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Extension {

    /** The name configuration uses, e.g. {@code "failover"} or {@code "random"}. */
    String value();

    /** Position in a chain (filters, routers): lower runs first. */
    int order() default 0;

    /** Sides on which a filter is active without being named; empty means only when named. */
    Side[] activeOn() default {};
}
