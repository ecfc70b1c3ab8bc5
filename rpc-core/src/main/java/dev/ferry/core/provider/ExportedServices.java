package dev.ferry.core.provider;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.PayloadLimits;
import dev.ferry.core.codec.TypeDescriptors;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A protocol's table of exported services: the provider's {@link DecodeContext} (which
 * methods exist, which serializations, classes and payload sizes each interface accepts) and
 * the dispatch of a decoded request to its service's provider chain.
 *
 * <p>Decoding knows a request's interface before its group (which travels last, in the
 * attachments), so what it checks is per interface: when several groups or versions of one
 * interface are exported, a request may use any serialization one of them accepts, carry any
 * class one of them allows, and be as long as the largest of their payload limits. The
 * allowlist of an interface is its own types (see
 * {@link DefaultClassAllowlist.Builder#allowTypesOf}) plus the classes and packages its
 * services' {@link ExportOptions} add, under the deny list of known gadgets.
 */
public final class ExportedServices implements DecodeContext, PayloadLimits {

    private final Serializations serializations;
    private final Map<ServiceKey, Invoker> services = new ConcurrentHashMap<>();
    private final Map<String, InterfaceInfo> interfaces = new ConcurrentHashMap<>();

    public ExportedServices(Serializations serializations) {
        this.serializations = serializations;
    }

    /**
     * Adds a service.
     *
     * @throws IllegalStateException when the key is already exported here
     */
    public void add(Invoker invoker, ExportOptions options) {
        ServiceKey key = invoker.serviceKey();
        boolean[] accepted = new boolean[32];
        for (String name : options.serializations()) {
            accepted[serializations.byName(name).id() & 0x1f] = true;
        }
        InterfaceInfo info = new InterfaceInfo(invoker.type(), accepted, Set.copyOf(options.allowedClasses()),
                Set.copyOf(options.allowedPackages()), options.payloadLimit());
        if (services.putIfAbsent(key, invoker) != null) {
            throw new IllegalStateException("service " + key + " is already exported");
        }
        interfaces.merge(key.interfaceName(), info, InterfaceInfo::union);
    }

    /** Removes a service. */
    public void remove(ServiceKey key) {
        services.remove(key);
        // The interface's types stay known: another group or version of it may still be exported.
    }

    /** True when nothing is exported. */
    public boolean isEmpty() {
        return services.isEmpty();
    }

    /** Runs a decoded call request and produces its response (never fails the future). */
    public CompletableFuture<Response> dispatch(Request request) {
        Invocation inv = request.invocation();
        Invoker invoker = services.get(inv.serviceKey());
        if (invoker == null) {
            return CompletableFuture.completedFuture(Response.error(request.id(), request.serializationId(),
                    Code.SERVICE_NOT_FOUND, "service " + inv.serviceKey() + " is not exported here"));
        }
        CompletableFuture<Result> f;
        try {
            f = invoker.invoke(inv);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((result, error) -> {
            if (error == null) {
                return Response.ok(request.id(), request.serializationId(), result);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            Code code = cause instanceof RpcException r ? r.code() : Code.SERVICE_ERROR;
            return Response.error(request.id(), request.serializationId(), code,
                    "provider failed on " + RpcInvocation.describe(inv) + ": " + cause);
        });
    }

    @Override
    public Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor) {
        InterfaceInfo info = interfaces.get(interfaceName);
        Map<String, Method> overloads = info == null || methodName == null ? null : info.methods.get(methodName);
        return overloads == null || parameterDescriptor == null ? null : overloads.get(parameterDescriptor);
    }

    @Override
    public boolean accepts(String interfaceName, byte serializationId) {
        InterfaceInfo info = interfaces.get(interfaceName);
        return info != null && info.accepted[serializationId & 0x1f];
    }

    @Override
    public Invocation pendingCall(long requestId) {
        return null;
    }

    @Override
    public ClassAllowlist allowlist(String interfaceName) {
        InterfaceInfo info = interfaces.get(interfaceName);
        return info == null ? name -> false : info.allowlist;
    }

    @Override
    public int payloadLimit(String interfaceName) {
        InterfaceInfo info = interfaces.get(interfaceName);
        return info == null ? 0 : info.payloadLimit;
    }

    private record InterfaceInfo(Class<?> type, boolean[] accepted, Set<String> allowedClasses,
                                 Set<String> allowedPackages, int payloadLimit, ClassAllowlist allowlist,
                                 Map<String, Map<String, Method>> methods) {

        InterfaceInfo(Class<?> type, boolean[] accepted, Set<String> allowedClasses, Set<String> allowedPackages,
                      int payloadLimit) {
            this(type, accepted, allowedClasses, allowedPackages, payloadLimit,
                    allowlistOf(type, allowedClasses, allowedPackages), methodsOf(type));
        }

        InterfaceInfo union(InterfaceInfo other) {
            boolean[] both = accepted.clone();
            for (int i = 0; i < both.length; i++) {
                both[i] |= other.accepted[i];
            }
            Set<String> classes = new HashSet<>(allowedClasses);
            classes.addAll(other.allowedClasses);
            Set<String> packages = new HashSet<>(allowedPackages);
            packages.addAll(other.allowedPackages);
            if (classes.equals(allowedClasses) && packages.equals(allowedPackages)) {
                // Keep the allowlist instance: serializations cache their reader state per allowlist.
                return new InterfaceInfo(type, both, allowedClasses, allowedPackages,
                        largest(payloadLimit, other.payloadLimit), allowlist, methods);
            }
            return new InterfaceInfo(type, both, Set.copyOf(classes), Set.copyOf(packages),
                    largest(payloadLimit, other.payloadLimit));
        }

        /** The larger limit, where 0 (the protocol's) is larger than any of a service's own. */
        private static int largest(int a, int b) {
            return a == ExportOptions.PROTOCOL_PAYLOAD_LIMIT || b == ExportOptions.PROTOCOL_PAYLOAD_LIMIT
                    ? ExportOptions.PROTOCOL_PAYLOAD_LIMIT : Math.max(a, b);
        }

        private static ClassAllowlist allowlistOf(Class<?> type, Set<String> classes, Set<String> packages) {
            DefaultClassAllowlist.Builder builder = DefaultClassAllowlist.builder().allowTypesOf(type);
            classes.forEach(builder::allowClass);
            packages.forEach(builder::allowPackage);
            return builder.build();
        }

        /** By name, then parameter descriptor: a request's method is found without building text. */
        private static Map<String, Map<String, Method>> methodsOf(Class<?> type) {
            Map<String, Map<String, Method>> m = new HashMap<>();
            for (Method method : type.getMethods()) {
                m.computeIfAbsent(method.getName(), n -> new HashMap<>())
                        .put(TypeDescriptors.of(method.getParameterTypes()), method);
            }
            return m;
        }
    }
}
