package dev.ferry.api;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * One call of one method on one service, as it travels through filters, routers, the
 * cluster, the load balancer and the protocol.
 *
 * <p>Everything but the attachments is fixed once the invocation is built. Attachments are
 * the string-keyed values that travel with the request on the wire (trace ids, auth
 * tokens, the routing tag); filters may add to them.
 */
public interface Invocation {

    /** The service this call is for. */
    ServiceKey serviceKey();

    /** The method name. */
    String methodName();

    /** The declared parameter types of the method. */
    Class<?>[] parameterTypes();

    /** The arguments, one per parameter type. */
    Object[] arguments();

    /**
     * The declared return type, generic where the method is: for a method returning
     * {@code CompletableFuture<T>}, this is {@code T}.
     */
    Type returnType();

    /** Values sent with the request; mutable, never null. */
    Map<String, Object> attachments();

    /** Typed per-call options: timeout, retries, cluster, load balancer, serialization, tag. */
    CallOptions options();
}
