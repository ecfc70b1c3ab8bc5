package dev.ferry.core.generic;

import dev.ferry.api.GenericService;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.TypeDescriptors;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ExportedServices;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The provider side of generic calls: turns a decoded {@code $invoke(method, types, args)}
 * request into a call of the real method of an exported service, and its result back into
 * plain form.
 *
 * <p>The method is found by the descriptor its type names make ({@link TypeNames}), among the
 * methods the service exports, so no class is loaded from a name on the wire; the arguments
 * are built by {@link GenericValues#realize} under the service's class allowlist.
 */
public final class GenericDispatch {

    private final ExportedServices services;

    public GenericDispatch(ExportedServices services) {
        this.services = services;
    }

    /** True when {@code invocation} is a generic call this class handles. */
    public static boolean isGeneric(Invocation invocation) {
        String m = invocation.methodName();
        return (GenericService.INVOKE.equals(m) || GenericService.INVOKE_ASYNC.equals(m))
                && TypeDescriptors.of(invocation.parameterTypes()).equals(GenericReference.INVOKE_DESCRIPTOR);
    }

    /**
     * The method a generic call names on {@code interfaceName}, or null when that interface does
     * not export it.
     *
     * @throws IllegalArgumentException when the type names are malformed
     */
    public Method resolve(String interfaceName, String method, String[] typeNames) {
        return services.resolveMethod(interfaceName, method, TypeNames.descriptor(typeNames));
    }

    /** Runs a generic call request; the future never fails, errors become error responses. */
    public CompletableFuture<Response> dispatch(Request request) {
        Invocation inv = request.invocation();
        String iface = inv.serviceKey().interfaceName();
        Object[] wire = inv.arguments();
        if (!(wire[0] instanceof String method) || method.isEmpty()) {
            return error(request, Code.BAD_REQUEST, "generic call to " + inv.serviceKey() + " names no method");
        }
        String[] typeNames = (String[]) wire[1];
        Object[] values = wire[2] == null ? new Object[0] : (Object[]) wire[2];
        Method target;
        try {
            target = resolve(iface, method, typeNames);
        } catch (IllegalArgumentException e) {
            return error(request, Code.BAD_REQUEST, "generic call " + inv.serviceKey() + "#" + method + ": " + e.getMessage());
        }
        if (target == null) {
            return error(request, Code.SERVICE_NOT_FOUND, "service " + inv.serviceKey() + " has no method " + method
                    + "(" + (typeNames == null ? "" : String.join(", ", typeNames)) + ")");
        }
        Class<?>[] types = target.getParameterTypes();
        Type[] generic = target.getGenericParameterTypes();
        if (values.length != types.length) {
            return error(request, Code.BAD_REQUEST, "generic call " + inv.serviceKey() + "#" + method + " takes "
                    + types.length + " arguments, got " + values.length);
        }
        ClassAllowlist allowlist = services.allowlist(iface);
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                args[i] = GenericValues.realize(values[i], generic[i], allowlist);
            } catch (IllegalArgumentException e) {
                return error(request, Code.BAD_REQUEST, "generic call " + inv.serviceKey() + "#" + method
                        + ": argument " + i + ": " + e.getMessage());
            }
        }
        Map<String, Object> attachments = new HashMap<>(inv.attachments());
        attachments.remove(GenericService.GENERIC_ATTACHMENT);
        RpcInvocation real = new RpcInvocation(inv.serviceKey(), method, types, args, target.getGenericReturnType(),
                attachments, inv.options());
        return services.dispatch(Request.call(request.id(), request.serializationId(), request.twoWay(), real))
                .thenApply(response -> plain(response, real));
    }

    private static Response plain(Response response, Invocation real) {
        if (!response.isOk() || response.result().hasException()) {
            return response;
        }
        Result result = response.result();
        Result out;
        try {
            out = Result.value(GenericValues.generalize(result.value()));
        } catch (IllegalArgumentException e) {
            return Response.error(response.id(), response.serializationId(), Code.SERVICE_ERROR,
                    "the result of " + RpcInvocation.describe(real) + " cannot be sent generically: " + e.getMessage());
        }
        out.attachments().putAll(result.attachments());
        return Response.ok(response.id(), response.serializationId(), out);
    }

    private static CompletableFuture<Response> error(Request request, Code code, String message) {
        return CompletableFuture.completedFuture(Response.error(request.id(), request.serializationId(), code, message));
    }
}
