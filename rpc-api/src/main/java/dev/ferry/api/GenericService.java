package dev.ferry.api;

import java.util.concurrent.CompletableFuture;

/**
 * Calls any method of a remote service without its interface on the class path: the method by
 * name, its parameter types by class name, and plain values for arguments, with POJOs written as
 * {@code Map}s of their fields (an optional {@code "class"} entry names the concrete class).
 * Results come back the same way: JDK values, collections and maps, never the provider's own
 * classes.
 *
 * <p>On the wire this is Apache Dubbo's generic call (method {@code $invoke} with the parameter
 * descriptor {@code Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;} and the attachment
 * {@code generic=true}), so it reaches Dubbo providers as well as Ferry ones, and Dubbo's
 * {@code GenericService} consumers reach Ferry providers.
 *
 * <pre>{@code
 * Object user = generic.$invoke("getUser", new String[]{"long"}, new Object[]{42L});
 * // user is a Map: {class=com.example.User, id=42, name=...}
 * }</pre>
 */
public interface GenericService {

    /** The method name generic calls carry on the wire. */
    String INVOKE = "$invoke";

    /** The asynchronous variant's method name on the wire. */
    String INVOKE_ASYNC = "$invokeAsync";

    /** The attachment that marks a generic call, with the value {@code "true"}. */
    String GENERIC_ATTACHMENT = "generic";

    /**
     * Calls {@code method} and waits for its result.
     *
     * @param method         the method name
     * @param parameterTypes the declared parameter types' class names ({@code "int"},
     *                       {@code "java.lang.String"}, {@code "com.example.User"},
     *                       {@code "java.lang.String[]"}); may be empty when the name alone is unique
     * @param arguments      one per parameter type; POJOs as maps
     * @return the result as plain values and maps
     * @throws RpcException for a failure of the call itself
     */
    Object $invoke(String method, String[] parameterTypes, Object[] arguments);

    /** Like {@link #$invoke} but never blocks; the future fails as the call would throw. */
    CompletableFuture<Object> $invokeAsync(String method, String[] parameterTypes, Object[] arguments);
}
