package dev.ferry.api.spi;

import dev.ferry.api.Invocation;

import java.lang.reflect.Method;

/**
 * What a {@link Codec} needs from the side that receives a frame: the provider resolves the
 * method a request names; the consumer finds the call a response answers.
 */
public interface DecodeContext {

    /**
     * Provider side: the method of an exported interface that a request names, or null when
     * no such interface or method is exported here (the codec then refuses the request
     * without reading its arguments). Argument types depend on the interface alone, which is
     * why group and version play no part here.
     */
    Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor);

    /** Provider side: whether the interface's services accept bodies written with {@code serializationId}. */
    boolean accepts(String interfaceName, byte serializationId);

    /** Consumer side: the call waiting for the response with {@code requestId}, or null. */
    Invocation pendingCall(long requestId);

    /** The classes that may be instantiated for values of the interface's calls. */
    ClassAllowlist allowlist(String interfaceName);
}
