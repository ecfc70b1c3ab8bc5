package dev.ferry.core.codec;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Invocation;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.Codec;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.api.spi.Serialization;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.serialization.Serializations;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Dubbo frame codec shared by both transports: a {@link FrameHeader} followed by the
 * request body (dubbo version, service path, service version, method name, parameter
 * descriptor, arguments, attachments) or the response body (a type byte 0–5, then value or
 * exception, then attachments), written with the serialization the header names.
 *
 * <p>Limits and refusals, all before any argument or value is deserialized:
 * <ul>
 *   <li>a body longer than this codec's payload limit is refused from the header;</li>
 *   <li>a request body longer than its service's limit ({@link PayloadLimits}, from the
 *       service's {@code ExportOptions}) is refused once the service path is read; a request
 *       in a serialization its service does not accept is refused (Java native serialization is
 *       accepted only by services that name it);</li>
 *   <li>a reply longer than its call's {@link CodecOptions#PAYLOAD_LIMIT} is refused from the
 *       header; a reply in Java native serialization is refused unless its call was sent in it;
 *       a reply's classes are checked against the call's {@link CodecOptions#REPLY_ALLOWLIST}
 *       when it has one, else the transport's allowlist for the interface;</li>
 *   <li>a request or reply that would be written longer than its call's limit is not written:
 *       {@link #encode} throws, and {@link #encodeReply} writes an error reply instead.</li>
 * </ul>
 */
public final class DubboCodec implements Codec {

    /** The Dubbo protocol version Ferry speaks; 2.0.2 and later accept response attachments. */
    public static final String DUBBO_VERSION = "2.0.2";

    /** Default largest body accepted or produced: 8 MiB, as Dubbo's payload default. */
    public static final int DEFAULT_PAYLOAD_LIMIT = 8 * 1024 * 1024;

    static final byte RESPONSE_WITH_EXCEPTION = 0;
    static final byte RESPONSE_VALUE = 1;
    static final byte RESPONSE_NULL_VALUE = 2;
    static final byte RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS = 3;
    static final byte RESPONSE_VALUE_WITH_ATTACHMENTS = 4;
    static final byte RESPONSE_NULL_VALUE_WITH_ATTACHMENTS = 5;

    // Keys the wire carries in the attachments map; they describe the call, not the user's data.
    static final String PATH = "path";
    static final String INTERFACE = "interface";
    static final String GROUP = "group";
    static final String VERSION = "version";
    static final String DUBBO = "dubbo";
    static final String TIMEOUT = "timeout";
    private static final String[] PROTOCOL_KEYS = {PATH, INTERFACE, GROUP, VERSION, DUBBO, TIMEOUT};

    private static final String NO_VERSION = "0.0.0";

    private static final ClassAllowlist NOTHING = className -> false;
    /** Strings ahead of a call's arguments: Dubbo version, path, version, method, parameter descriptor. */
    private static final int HEADER_STRINGS = 5;

    /** Java native serialization's name: opt-in per service and per call. */
    static final String JAVA_SERIALIZATION = "java";

    private final Serializations serializations;
    private final int payloadLimit;
    private final Map<Method, MethodShape> shapes = new ConcurrentHashMap<>();
    /**
     * Parameter descriptors by parameter-type array, by identity (arrays do not override
     * {@code equals}): a proxy passes its method's one array with every call. Bounded, since
     * a caller building invocations by hand may pass a new array each time.
     */
    private final Map<Class<?>[], String> descriptors = new ConcurrentHashMap<>();
    private static final int DESCRIPTORS_KEPT = 4096;
    private volatile RequestOptions lastOptions;

    public DubboCodec(Serializations serializations, int payloadLimit) {
        if (payloadLimit <= 0) {
            throw new IllegalArgumentException("payload limit must be positive: " + payloadLimit);
        }
        this.serializations = serializations;
        this.payloadLimit = payloadLimit;
    }

    public int payloadLimit() {
        return payloadLimit;
    }

    // ---------------------------------------------------------------- encode

    /**
     * Writes one frame. A request is held to its call's {@link CodecOptions#PAYLOAD_LIMIT} as
     * well as this codec's limit, a response to this codec's limit (use {@link #encodeReply}
     * to hold it to its call's).
     *
     * @throws CodecException when the body is over the limit or the serialization is unknown
     */
    @Override
    public void encode(Message message, OutputStream out) throws IOException {
        frame(message, limitOf(message), true).drainTo(out);
    }

    /**
     * Writes the reply to {@code call} (the request's decoded invocation), held to the call's
     * payload limit, which decoding set to its service's. A reply that would be too long is
     * replaced by an error reply (status {@link Code#SERVER_ERROR}) saying so, so the caller
     * hears why instead of waiting for its timeout.
     *
     * @throws CodecException when not even the error reply can be written
     */
    public void encodeReply(Response reply, Invocation call, OutputStream out) throws IOException {
        replyFrame(reply, call).drainTo(out);
    }

    /**
     * One frame as an array of exactly its length, for transports that send arrays: the same
     * bytes and limits as {@link #encode(Message, OutputStream)}, with one copy out of this
     * thread's frame buffer.
     */
    public byte[] encode(Message message) throws IOException {
        return frame(message, limitOf(message), true).drain();
    }

    /** {@link #encodeReply(Response, Invocation, OutputStream)} into an array of exactly the frame's length. */
    public byte[] encodeReply(Response reply, Invocation call) throws IOException {
        return replyFrame(reply, call).drain();
    }

    private Body replyFrame(Response reply, Invocation call) throws IOException {
        int limit = Math.min(payloadLimit, callLimit(call));
        try {
            return frame(reply, limit, responseAttachments(call));
        } catch (OverLimit e) {
            if (!reply.isOk()) {
                throw e;
            }
            return frame(Response.error(reply.id(), reply.serializationId(), Code.SERVER_ERROR, "the reply to "
                    + RpcInvocation.describe(call) + " was not sent: " + e.getMessage()), payloadLimit, true);
        }
    }

    private int limitOf(Message message) {
        Objects.requireNonNull(message, "message");
        int limit = payloadLimit;
        if (message instanceof Request req && !req.event()) {
            limit = Math.min(limit, callLimit(req.invocation()));
        }
        return limit;
    }

    private static int callLimit(Invocation call) {
        Integer limit = call == null ? null : call.options().get(CodecOptions.PAYLOAD_LIMIT);
        return limit == null || limit <= 0 ? Integer.MAX_VALUE : limit;
    }

    /** The whole frame in this thread's scratch buffer; the caller drains it before the next encode. */
    private Body frame(Message message, int limit, boolean responseAttachments) throws IOException {
        Serialization serialization = serializations.byId(message.serializationId());
        if (serialization == null) {
            throw new CodecException(message instanceof Request ? Code.CLIENT_ERROR : Code.SERVER_ERROR,
                    "serialization id " + message.serializationId() + " is not available", message.id(),
                    message instanceof Request, false, null);
        }
        Body body = Body.scratch();
        ObjectOutput o = serialization.serialize(body);
        byte flag = (byte) (message.serializationId() & FrameHeader.SERIALIZATION_MASK);
        byte status = 0;
        if (message instanceof Request req) {
            flag |= (byte) FrameHeader.FLAG_REQUEST;
            if (req.twoWay()) {
                flag |= FrameHeader.FLAG_TWO_WAY;
            }
            if (req.event()) {
                flag |= FrameHeader.FLAG_EVENT;
                o.writeObject(req.eventData());
            } else {
                writeRequestBody(o, req.invocation());
            }
        } else {
            Response resp = (Response) message;
            status = resp.status();
            if (resp.event()) {
                flag |= FrameHeader.FLAG_EVENT;
                o.writeObject(null);
            } else if (resp.isOk()) {
                writeResultBody(o, resp.result(), responseAttachments);
            } else {
                o.writeUTF(resp.errorMessage());
            }
        }
        o.flush();
        int bodyLength = body.size() - FrameHeader.LENGTH;
        if (bodyLength > limit) {
            body.release();
            boolean request = message instanceof Request;
            throw new OverLimit(request ? Code.CLIENT_ERROR : Code.SERVER_ERROR,
                    (request ? "request" : "response") + " body of " + bodyLength
                            + " bytes exceeds the payload limit of " + limit + " bytes",
                    message.id(), request);
        }
        byte[] header = body.array();
        header[0] = FrameHeader.MAGIC_HIGH;
        header[1] = FrameHeader.MAGIC_LOW;
        header[2] = flag;
        header[3] = status;
        putLong(header, 4, message.id());
        putInt(header, FrameHeader.LENGTH_OFFSET, bodyLength);
        return body;
    }

    private void writeRequestBody(ObjectOutput o, Invocation inv) throws IOException {
        ServiceKey key = inv.serviceKey();
        o.writeUTF(DUBBO_VERSION);
        o.writeUTF(key.interfaceName());
        o.writeUTF(key.version());
        o.writeUTF(inv.methodName());
        o.writeUTF(descriptorOf(inv.parameterTypes()));
        for (Object arg : inv.arguments()) {
            o.writeObject(arg);
        }
        // Sized for the call's attachments and the five protocol keys, so it never grows.
        Map<String, Object> wire = new HashMap<>((inv.attachments().size() + 5) * 4 / 3 + 1);
        wire.putAll(inv.attachments());
        wire.put(PATH, key.interfaceName());
        wire.put(INTERFACE, key.interfaceName());
        if (!key.group().isEmpty()) {
            wire.put(GROUP, key.group());
        }
        if (!key.version().isEmpty()) {
            wire.put(VERSION, key.version());
        }
        wire.put(TIMEOUT, String.valueOf(inv.options().timeout().toMillis()));
        o.writeObject(wire);
    }

    private String descriptorOf(Class<?>[] types) {
        String descriptor = descriptors.get(types);
        if (descriptor == null) {
            descriptor = TypeDescriptors.of(types);
            if (descriptors.size() < DESCRIPTORS_KEPT) {
                descriptors.put(types, descriptor);
            }
        }
        return descriptor;
    }

    private static void writeResultBody(ObjectOutput o, Result result, boolean attachments) throws IOException {
        if (result.hasException()) {
            o.writeByte(attachments ? RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS : RESPONSE_WITH_EXCEPTION);
            o.writeObject(result.exception());
        } else if (result.value() == null) {
            o.writeByte(attachments ? RESPONSE_NULL_VALUE_WITH_ATTACHMENTS : RESPONSE_NULL_VALUE);
        } else {
            o.writeByte(attachments ? RESPONSE_VALUE_WITH_ATTACHMENTS : RESPONSE_VALUE);
            o.writeObject(result.value());
        }
        if (attachments) {
            Map<String, Object> map = new HashMap<>(result.attachments());
            map.put(DUBBO, DUBBO_VERSION);
            o.writeObject(map);
        }
    }

    private static boolean responseAttachments(Invocation call) {
        return call == null || !Boolean.FALSE.equals(call.options().get(CodecOptions.RESPONSE_ATTACHMENTS));
    }

    /**
     * Dubbo's rule: callers speaking protocol versions 2.0.2 to 2.0.99 (protocol versions, not product
     * versions) read response attachments; an empty or unparsable version does not.
     */
    static boolean supportsResponseAttachments(String version) {
        if (DUBBO_VERSION.equals(version)) {
            return true; // what Ferry and Dubbo 2.7 and later send
        }
        if (version == null || version.isEmpty()) {
            return false;
        }
        String[] parts = version.split("\\.");
        long v = 0;
        for (String part : parts) {
            int digits = 0;
            while (digits < part.length() && digits < 4 && Character.isDigit(part.charAt(digits))) {
                digits++;
            }
            v = v * 100 + (digits == 0 ? 0 : Integer.parseInt(part.substring(0, digits)));
        }
        if (parts.length == 3) {
            v *= 100;
        }
        return v >= 2_00_02_00 && v <= 2_00_99_00;
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Message decode(InputStream in, DecodeContext context) throws IOException {
        byte[] header = new byte[FrameHeader.LENGTH];
        if (in.readNBytes(header, 0, FrameHeader.LENGTH) < FrameHeader.LENGTH) {
            throw CodecException.header("frame shorter than the " + FrameHeader.LENGTH + "-byte header");
        }
        if (header[0] != FrameHeader.MAGIC_HIGH || header[1] != FrameHeader.MAGIC_LOW) {
            throw CodecException.header(String.format("bad magic 0x%02x%02x (expected 0xdabb)", header[0], header[1]));
        }
        byte flag = header[2];
        byte status = header[3];
        long id = getLong(header, 4);
        int length = getInt(header, FrameHeader.LENGTH_OFFSET);
        boolean request = (flag & FrameHeader.FLAG_REQUEST) != 0;
        boolean twoWay = request && (flag & FrameHeader.FLAG_TWO_WAY) != 0;
        boolean event = (flag & FrameHeader.FLAG_EVENT) != 0;
        byte serializationId = (byte) (flag & FrameHeader.SERIALIZATION_MASK);
        Code badInput = request ? Code.BAD_REQUEST : Code.BAD_RESPONSE;
        if (length < 0 || length > payloadLimit) {
            throw new CodecException(badInput, "body length " + length + " is outside 0.." + payloadLimit
                    + " (the payload limit)", id, request, twoWay, null);
        }
        Serialization serialization = serializations.byId(serializationId);
        if (serialization == null) {
            throw new CodecException(badInput, "unknown or disabled serialization id " + serializationId,
                    id, request, twoWay, null);
        }
        try {
            InputStream body = BoundedInputStream.markable(in, length);
            if (request) {
                return decodeRequest(body, length, serialization, context, id, serializationId, twoWay, event);
            }
            return decodeResponse(body, length, serialization, context, id, serializationId, status, event);
        } catch (CodecException e) {
            throw e;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // Never describe the half-built value: only the failure's class and message.
            throw new CodecException(badInput, (request ? "request " : "response ") + id + " does not decode: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), id, request, twoWay, e);
        }
    }

    private Message decodeRequest(InputStream body, int length, Serialization serialization, DecodeContext context,
                                  long id, byte serializationId, boolean twoWay, boolean event) throws IOException {
        if (event) {
            // Heartbeats carry a null; nothing in an event needs a class instantiated.
            try (ObjectInput in = serialization.deserialize(body, NOTHING)) {
                return new Request(id, serializationId, twoWay, true, null, in.readObject());
            }
        }
        // The allowlist that governs the arguments is the service's, known only once the header
        // strings are read: read them with an input that allows nothing, then go on under the
        // service's own allowlist (or, for a serialization that cannot switch, read the body again
        // from its start with it). That allowlist is long-lived, so the serialization's reader
        // state for it is built once, not per call.
        body.mark(length);
        ObjectInput header = serialization.deserialize(body, NOTHING);
        try {
            return decodeCall(body, length, serialization, context, id, serializationId, twoWay, header);
        } finally {
            header.close();
        }
    }

    /** A call's request body, its header strings read from {@code header}, which this may close. */
    private Message decodeCall(InputStream body, int length, Serialization serialization, DecodeContext context,
                               long id, byte serializationId, boolean twoWay, ObjectInput header) throws IOException {
        String callerVersion = header.readUTF();
        String path = header.readUTF();
        int serviceLimit = serviceLimit(context, path);
        if (path != null && length > serviceLimit) {
            throw new CodecException(Code.BAD_REQUEST, "request " + id + " body of " + length
                    + " bytes exceeds the payload limit of " + serviceLimit + " bytes of service " + path,
                    id, true, twoWay, null);
        }
        String version = header.readUTF();
        if (NO_VERSION.equals(version)) {
            version = ""; // what Dubbo consumers send for a service without a version
        }
        String methodName = header.readUTF();
        String descriptor = header.readUTF();
        if (path == null || methodName == null) {
            throw new CodecException(Code.BAD_REQUEST, "request " + id + " names no service or method",
                    id, true, twoWay, null);
        }
        Method method = context.resolveMethod(path, methodName, descriptor == null ? "" : descriptor);
        MethodShape shape = method == null ? null : shapes.computeIfAbsent(method, MethodShape::new);
        if (shape == null) {
            throw new CodecException(Code.SERVICE_NOT_FOUND, "no service " + path + " with method " + methodName
                    + "(" + descriptor + ") is exported here", id, true, twoWay, null);
        }
        if (!context.accepts(path, serializationId)) {
            throw new CodecException(Code.BAD_REQUEST, "service " + path + " does not accept serialization id "
                    + serializationId, id, true, twoWay, null);
        }
        ClassAllowlist allowlist = context.allowlist(path);
        if (header.useAllowlist(allowlist)) {
            return readCall(header, shape, path, version, methodName, callerVersion, serviceLimit, id, serializationId, twoWay);
        }
        header.close();
        body.reset();
        try (ObjectInput in = serialization.deserialize(body, allowlist)) {
            for (int i = 0; i < HEADER_STRINGS; i++) {
                in.readUTF();
            }
            return readCall(in, shape, path, version, methodName, callerVersion, serviceLimit, id, serializationId, twoWay);
        }
    }

    /** A call's arguments and attachments, read under its service's allowlist. */
    private Message readCall(ObjectInput in, MethodShape shape, String path, String version, String methodName,
                             String callerVersion, int serviceLimit, long id, byte serializationId, boolean twoWay)
            throws IOException {
        Class<?>[] types = shape.parameterTypes;
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = in.readObject(types[i], shape.genericParameterTypes[i]);
        }
        Map<String, Object> attachments = readAttachments(in);
        String group = stringOf(attachments.get(GROUP));
        CallOptions options = requestOptions(serviceLimit, supportsResponseAttachments(callerVersion),
                stringOf(attachments.get(TIMEOUT)));
        for (String protocolKey : PROTOCOL_KEYS) {
            attachments.remove(protocolKey);
        }
        ServiceKey key = new ServiceKey(path, group, version == null ? "" : version);
        return Request.call(id, serializationId, twoWay,
                new RpcInvocation(key, methodName, types, args, shape.returnType, attachments, options));
    }

    /**
     * A decoded call's options: the reply is held to the same limit as the request (see
     * encodeReply), and to the caller's ability to read response attachments; the caller's
     * timeout is a deadline hint. Calls keep arriving with the same three, so the last
     * options are reused while they match.
     */
    private CallOptions requestOptions(int serviceLimit, boolean responseAttachments, String timeout) {
        RequestOptions last = lastOptions;
        if (last != null && last.matches(serviceLimit, responseAttachments, timeout)) {
            return last.options;
        }
        CallOptions options = CallOptions.DEFAULT.with(CodecOptions.PAYLOAD_LIMIT, serviceLimit);
        if (!responseAttachments) {
            options = options.with(CodecOptions.RESPONSE_ATTACHMENTS, false);
        }
        if (timeout != null) {
            try {
                options = options.with(CallOptions.TIMEOUT, Duration.ofMillis(Long.parseLong(timeout.trim())));
            } catch (NumberFormatException ignored) {
                // A peer's malformed timeout only loses the deadline hint.
            }
        }
        lastOptions = new RequestOptions(serviceLimit, responseAttachments, timeout, options);
        return options;
    }

    /** The options of the last decoded call and what they were made from. */
    private record RequestOptions(int serviceLimit, boolean responseAttachments, String timeout, CallOptions options) {
        boolean matches(int limit, boolean attachments, String timeoutText) {
            return serviceLimit == limit && responseAttachments == attachments && Objects.equals(timeout, timeoutText);
        }
    }

    /** What decoding needs of a method, read once: {@link Method}'s getters copy their arrays on every call. */
    private static final class MethodShape {
        final Class<?>[] parameterTypes;
        final Type[] genericParameterTypes;
        final Type returnType;

        MethodShape(Method m) {
            this.parameterTypes = m.getParameterTypes();
            this.genericParameterTypes = m.getGenericParameterTypes();
            this.returnType = m.getGenericReturnType();
        }
    }

    private int serviceLimit(DecodeContext context, String path) {
        int limit = path != null && context instanceof PayloadLimits limits ? limits.payloadLimit(path) : 0;
        return limit > 0 ? Math.min(limit, payloadLimit) : payloadLimit;
    }

    private Message decodeResponse(InputStream body, int length, Serialization serialization, DecodeContext context,
                                   long id, byte serializationId, byte status, boolean event) throws IOException {
        if (event) {
            try (ObjectInput in = serialization.deserialize(body, NOTHING)) {
                in.readObject();
            }
            return Response.event(id, serializationId);
        }
        if (status != Response.OK) {
            String message;
            try (ObjectInput in = serialization.deserialize(body, NOTHING)) {
                message = in.readUTF();
            }
            return new Response(id, serializationId, status, false, null, message == null ? "" : message);
        }
        Invocation call = context.pendingCall(id);
        if (call == null) {
            throw new CodecException(Code.BAD_RESPONSE, "no call waits for response " + id
                    + " (it timed out or was never sent)", id, false, false, null);
        }
        int limit = Math.min(payloadLimit, callLimit(call));
        if (length > limit) {
            throw new CodecException(Code.BAD_RESPONSE, "response " + id + " to " + RpcInvocation.describe(call)
                    + ": body of " + length + " bytes exceeds the payload limit of " + limit + " bytes",
                    id, false, false, null);
        }
        if (JAVA_SERIALIZATION.equals(serializations.nameOf(serializationId))
                && !JAVA_SERIALIZATION.equals(call.options().get(CallOptions.SERIALIZATION))) {
            throw new CodecException(Code.BAD_RESPONSE, "response " + id + " to " + RpcInvocation.describe(call)
                    + " is in Java native serialization, which the call did not use; refused", id, false, false, null);
        }
        ClassAllowlist allowlist = call.options().get(CodecOptions.REPLY_ALLOWLIST);
        if (allowlist == null) {
            allowlist = context.allowlist(call.serviceKey().interfaceName());
        }
        try (ObjectInput in = serialization.deserialize(body, allowlist)) {
            return Response.ok(id, serializationId, readResult(in, call, id));
        }
    }

    private static Result readResult(ObjectInput in, Invocation call, long id) throws IOException {
        byte type = in.readByte();
        Result result;
        switch (type) {
            case RESPONSE_NULL_VALUE, RESPONSE_NULL_VALUE_WITH_ATTACHMENTS -> result = Result.value(null);
            case RESPONSE_VALUE, RESPONSE_VALUE_WITH_ATTACHMENTS -> {
                Type returnType = call.returnType();
                result = Result.value(in.readObject(Types.raw(returnType), returnType));
            }
            case RESPONSE_WITH_EXCEPTION, RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS -> {
                Object thrown = in.readObject(Throwable.class, Throwable.class);
                if (!(thrown instanceof Throwable t)) {
                    throw new CodecException(Code.BAD_RESPONSE, "response " + id + " carries an exception that is "
                            + (thrown == null ? "null" : "a " + thrown.getClass().getName()), id, false, false, null);
                }
                result = Result.exception(t);
            }
            default -> throw new CodecException(Code.BAD_RESPONSE, "response " + id + " has unknown type " + type,
                    id, false, false, null);
        }
        if (type >= RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS) {
            Map<String, Object> attachments = readAttachments(in);
            attachments.remove(DUBBO);
            result.attachments().putAll(attachments);
        }
        return result;
    }

    private static Map<String, Object> readAttachments(ObjectInput in) throws IOException {
        Object value = in.readObject(Map.class, Map.class);
        if (value == null) {
            return new HashMap<>();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException("attachments are a " + value.getClass().getName() + ", not a map");
        }
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                throw new IOException("attachment key is not a string");
            }
        }
        if (map.getClass() == HashMap.class) {
            // The map the serialization just built, with string keys only: ours to keep as it is.
            @SuppressWarnings("unchecked")
            Map<String, Object> own = (Map<String, Object>) map;
            return own;
        }
        Map<String, Object> out = new HashMap<>(map.size() * 2);
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    private static String stringOf(Object o) {
        return o == null ? null : o instanceof String s ? s : o instanceof Number || o instanceof Boolean ? o.toString() : null;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** A body buffer whose size is known before the header is written. */
    /**
     * A frame being written: header space first, the body after it, so the length is known
     * before the header is filled in. One per thread, reused: encoding a call then allocates
     * nothing for the frame itself once the buffer has grown to the usual message size.
     */
    private static final class Body extends ByteArrayOutputStream {
        private static final int KEEP_AT_MOST = 256 * 1024;
        private static final ThreadLocal<Body> SCRATCH = ThreadLocal.withInitial(() -> new Body(4096));

        private Body(int size) {
            super(size);
        }

        static Body scratch() {
            Body b = SCRATCH.get();
            b.reset();
            b.count = FrameHeader.LENGTH;
            return b;
        }

        byte[] array() {
            return buf;
        }

        /** Writes the frame to {@code out} and gives the buffer back. */
        void drainTo(OutputStream out) throws IOException {
            try {
                out.write(buf, 0, count);
            } finally {
                release();
            }
        }

        /** The frame as an array of its own, giving the buffer back. */
        byte[] drain() {
            try {
                return Arrays.copyOf(buf, count);
            } finally {
                release();
            }
        }

        /** Forgets the frame; a buffer that grew for one huge message is not kept. */
        void release() {
            reset();
            if (buf.length > KEEP_AT_MOST) {
                SCRATCH.set(new Body(4096));
            }
        }
    }

    /** A body over its payload limit, found while encoding. */
    private static final class OverLimit extends CodecException {
        private static final long serialVersionUID = 1L;

        OverLimit(Code code, String message, long id, boolean request) {
            super(code, message, id, request, false, null);
        }
    }
}
