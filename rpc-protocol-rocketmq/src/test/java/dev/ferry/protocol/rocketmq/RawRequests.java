package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.UUID;

/**
 * Ferry request frames sent by a plain rocketmq-client producer, bypassing Ferry's requester:
 * how a test puts exactly the message it wants (the same key twice, a hostile body) on a
 * service's topic.
 */
final class RawRequests implements AutoCloseable {

    final DefaultMQProducer producer;
    private final DubboCodec codec = new DubboCodec(Serializations.load(), RocketMqProtocolConfig.DEFAULT_PAYLOAD_LIMIT);

    RawRequests(String nameServer) throws Exception {
        producer = new DefaultMQProducer("raw_requests");
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName("raw-" + UUID.randomUUID());
        producer.start();
    }

    static Invocation invocation(Class<?> type, ServiceKey key, String method, Object... args) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                return new RpcInvocation(key, method, m.getParameterTypes(), args, m.getGenericReturnType(),
                        new HashMap<>(), CallOptions.DEFAULT);
            }
        }
        throw new IllegalArgumentException("no method " + method);
    }

    byte[] frame(long id, Invocation inv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.encode(Request.call(id, (byte) 2, true, inv), out);
        return out.toByteArray();
    }

    /** A request message as Ferry's requester makes it: untagged, keyed, with a deadline. */
    static Message message(ServiceKey key, byte[] body, String requestKey, long deadline) {
        Message m = new Message(TopicNames.topic(key), TopicNames.UNTAGGED, requestKey, body);
        m.putUserProperty(MessageProperties.DEADLINE, Long.toString(deadline));
        return m;
    }

    /** Sends {@code msg} as a request and waits for its reply (rocketmq-client 5.4.0's synchronous request). */
    Message request(Message msg, long timeoutMillis) throws Exception {
        return producer.request(msg, timeoutMillis);
    }

    /** Decodes a reply to the call {@code inv} sent with request id {@code id}. */
    Response decode(byte[] body, long id, Invocation inv, Class<?> type) throws Exception {
        PendingCalls pending = new PendingCalls(n -> DefaultClassAllowlist.builder().allowTypesOf(type).build());
        pending.register(id, inv, new Endpoint("raw", "test", 0));
        try {
            return (Response) codec.decode(new ByteArrayInputStream(body), pending);
        } finally {
            pending.fail(id, new dev.ferry.api.RpcException(dev.ferry.api.RpcException.Code.CLIENT_ERROR, "done"));
        }
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
