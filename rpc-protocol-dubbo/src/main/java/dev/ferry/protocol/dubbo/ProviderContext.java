package dev.ferry.protocol.dubbo;

import dev.ferry.api.GenericService;
import dev.ferry.api.Invocation;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.core.generic.GenericReference;
import dev.ferry.core.provider.ExportedServices;

import java.lang.reflect.Method;

/**
 * The server's {@link DecodeContext}: the exported services, plus the two methods every Dubbo
 * provider answers on any service it exports without the interface declaring them —
 * {@code $echo(Object)} (Dubbo's {@code EchoService}) and the generic
 * {@code $invoke}/{@code $invokeAsync(String, String[], Object[])}. Their arguments are decoded
 * under the service's own class allowlist, like any other call's.
 */
final class ProviderContext implements DecodeContext {

    /** Dubbo's echo method name; the parameter descriptor is {@code Ljava/lang/Object;}. */
    static final String ECHO = "$echo";
    static final String ECHO_DESCRIPTOR = "Ljava/lang/Object;";

    private static final Method ECHO_METHOD;
    private static final Method INVOKE_METHOD;

    static {
        try {
            ECHO_METHOD = Echo.class.getMethod(ECHO, Object.class);
            INVOKE_METHOD = GenericService.class.getMethod(GenericService.INVOKE, GenericReference.INVOKE_PARAMETER_TYPES);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ExportedServices services;

    ProviderContext(ExportedServices services) {
        this.services = services;
    }

    /** True when {@code invocation} is Dubbo's echo call. */
    static boolean isEcho(Invocation invocation) {
        Class<?>[] types = invocation.parameterTypes();
        return ECHO.equals(invocation.methodName()) && types.length == 1 && types[0] == Object.class;
    }

    @Override
    public Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor) {
        Method m = services.resolveMethod(interfaceName, methodName, parameterDescriptor);
        if (m != null || methodName == null || !methodName.startsWith("$") || !isExported(interfaceName)) {
            return m;
        }
        if (ECHO.equals(methodName) && ECHO_DESCRIPTOR.equals(parameterDescriptor)) {
            return ECHO_METHOD;
        }
        if ((GenericService.INVOKE.equals(methodName) || GenericService.INVOKE_ASYNC.equals(methodName))
                && GenericReference.INVOKE_DESCRIPTOR.equals(parameterDescriptor)) {
            return INVOKE_METHOD;
        }
        return null;
    }

    @Override
    public boolean accepts(String interfaceName, byte serializationId) {
        return services.accepts(interfaceName, serializationId);
    }

    @Override
    public Invocation pendingCall(long requestId) {
        return null;
    }

    @Override
    public ClassAllowlist allowlist(String interfaceName) {
        return services.allowlist(interfaceName);
    }

    // An interface is known here once any of its services was exported with any serialization.
    private boolean isExported(String interfaceName) {
        for (int id = 0; id < 32; id++) {
            if (services.accepts(interfaceName, (byte) id)) {
                return true;
            }
        }
        return false;
    }

    /** Declares the echo method's shape for the codec. */
    private interface Echo {
        Object $echo(Object message);
    }
}
