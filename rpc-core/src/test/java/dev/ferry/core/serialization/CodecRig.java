package dev.ferry.core.serialization;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.TypeDescriptors;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.core.provider.ServiceInvoker;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * A provider and a consumer joined by the real codec, without a transport: frames are byte
 * arrays, decoded by the provider's {@link ExportedServices} and the consumer's
 * {@link PendingCalls}, as the transports do.
 */
final class CodecRig {

    static final ServiceKey KEY = new ServiceKey(Vault.class.getName(), "", "1.0");
    static final Endpoint PROVIDER = Endpoint.parse("dubbo://127.0.0.1:20880");

    final Serializations serializations = Serializations.load();
    final DubboCodec codec;
    final ExportedServices provider = new ExportedServices(serializations);
    final PendingCalls consumer = new PendingCalls(name -> DefaultClassAllowlist.builder().allowTypesOf(Vault.class).build());

    CodecRig(int codecLimit, ServiceConfig<Vault> service) {
        this.codec = new DubboCodec(serializations, codecLimit);
        provider.add(new ServiceInvoker(Vault.class, service.serviceKey(), service.implementation()), service.exportOptions());
    }

    CodecRig(ServiceConfig<Vault> service) {
        this(DubboCodec.DEFAULT_PAYLOAD_LIMIT, service);
    }

    /** A rig whose service accepts {@code serializations}. */
    static CodecRig accepting(String... serializations) {
        return new CodecRig(service().serializations(java.util.List.of(serializations)).build());
    }

    static ServiceConfig.Builder<Vault> service() {
        return ServiceConfig.builder(Vault.class, new Vault.Impl()).version("1.0");
    }

    static ExportOptions options(ServiceConfig<Vault> config) {
        return config.exportOptions();
    }

    static Invocation call(String method, CallOptions options, Object... args) {
        for (Method m : Vault.class.getMethods()) {
            if (m.getName().equals(method)) {
                return new RpcInvocation(KEY, method, m.getParameterTypes(), args, m.getGenericReturnType(),
                        new HashMap<>(), options);
            }
        }
        throw new IllegalArgumentException(method);
    }

    static String descriptor(String method) {
        for (Method m : Vault.class.getMethods()) {
            if (m.getName().equals(method)) {
                return TypeDescriptors.of(m.getParameterTypes());
            }
        }
        throw new IllegalArgumentException(method);
    }

    byte id(String serialization) {
        return serializations.byName(serialization).id();
    }

    byte[] encode(Message message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(message, out);
        return out.toByteArray();
    }

    /** The provider's side: decode a request frame. */
    Request decodeRequest(byte[] frame) throws IOException {
        return (Request) codec.decode(new ByteArrayInputStream(frame), provider);
    }

    /** The provider's side: run a decoded request and write its reply held to the service's limit. */
    byte[] serve(Request request) throws Exception {
        Response response = provider.dispatch(request).get(10, TimeUnit.SECONDS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encodeReply(response, request.invocation(), out);
        return out.toByteArray();
    }

    /** The consumer's side: register {@code call} under {@code id}, as a transport does before sending. */
    void expect(long id, Invocation call) {
        consumer.register(id, call, PROVIDER);
    }

    /** The consumer's side: decode a reply frame. */
    Response decodeReply(byte[] frame) throws IOException {
        return (Response) codec.decode(new ByteArrayInputStream(frame), consumer);
    }

    /** A whole call: consumer encodes, provider decodes, runs and replies, consumer decodes. */
    Result roundTrip(String serialization, Invocation call) throws Exception {
        // as a reference does: the call's options name the serialization it is sent in
        call = new RpcInvocation(call.serviceKey(), call.methodName(), call.parameterTypes(), call.arguments(),
                call.returnType(), call.attachments(), call.options().with(CallOptions.SERIALIZATION, serialization));
        long id = PendingCalls.nextId();
        byte[] request = encode(Request.call(id, id(serialization), true, call));
        expect(id, call);
        Response reply = decodeReply(serve(decodeRequest(request)));
        if (!reply.isOk()) {
            throw new CodecException(dev.ferry.api.RpcException.Code.ofStatus(reply.status()), reply.errorMessage(),
                    id, false, false, null);
        }
        return reply.result();
    }
}
