package dev.ferry.core.invocation;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.ServiceKey;

import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** The invocation Ferry builds at the proxy and decodes on the provider. */
public final class RpcInvocation implements Invocation {

    private static final Object[] NO_ARGS = new Object[0];

    private final ServiceKey serviceKey;
    private final String methodName;
    private final Class<?>[] parameterTypes;
    private final Object[] arguments;
    private final Type returnType;
    private final Map<String, Object> attachments;
    private final CallOptions options;

    public RpcInvocation(ServiceKey serviceKey, String methodName, Class<?>[] parameterTypes, Object[] arguments,
                         Type returnType, Map<String, Object> attachments, CallOptions options) {
        this.serviceKey = Objects.requireNonNull(serviceKey, "serviceKey");
        this.methodName = Objects.requireNonNull(methodName, "methodName");
        this.parameterTypes = Objects.requireNonNull(parameterTypes, "parameterTypes");
        this.arguments = arguments == null ? NO_ARGS : arguments;
        if (this.arguments.length != parameterTypes.length) {
            throw new IllegalArgumentException(methodName + " takes " + parameterTypes.length
                    + " arguments, got " + this.arguments.length);
        }
        this.returnType = returnType == null ? Object.class : returnType;
        this.attachments = attachments == null ? new HashMap<>() : attachments;
        this.options = options == null ? CallOptions.DEFAULT : options;
    }

    @Override
    public ServiceKey serviceKey() {
        return serviceKey;
    }

    @Override
    public String methodName() {
        return methodName;
    }

    @Override
    public Class<?>[] parameterTypes() {
        return parameterTypes;
    }

    @Override
    public Object[] arguments() {
        return arguments;
    }

    @Override
    public Type returnType() {
        return returnType;
    }

    @Override
    public Map<String, Object> attachments() {
        return attachments;
    }

    @Override
    public CallOptions options() {
        return options;
    }

    /** {@code interface#method}, as error messages name a call. */
    public static String describe(Invocation invocation) {
        return invocation.serviceKey() + "#" + invocation.methodName();
    }

    @Override
    public String toString() {
        return "RpcInvocation{" + describe(this) + Arrays.toString(parameterTypes) + "}";
    }
}
