package dev.ferry.protocol.rocketmq;

import dev.ferry.api.Invocation;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.CodecException;
import dev.ferry.api.spi.DecodeContext;
import dev.ferry.api.spi.Message;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.codec.TypeDescriptors;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds what the brokers store about one call, by its request key (see
 * {@link RocketMqRequestKeys}): the request message(s) in the
 * service's topic and the reply message(s) in the cluster's reply topic, both looked up through
 * the brokers' message-key index, both decoded with the shared codec.
 *
 * <pre>{@code
 * try (RocketMqAudit audit = RocketMqAudit.builder("10.0.0.5:9876").service(Accounts.class).build()) {
 *     AuditTrail trail = audit.find("ferry-3f2a…:42");
 *     System.out.println(trail.describe());
 * }
 * }</pre>
 *
 * <p>Decoding needs the service interface on the class path, given with
 * {@link Builder#service}; values are decoded under the same class allowlist as a call's. Without
 * it, messages are still found (the search then covers every Ferry topic the NameServer knows)
 * and described by their properties. Brokers keep messages for their retention time (72 hours
 * by default) and index them only with {@code messageIndexEnable} (the default); replies are
 * stored only with {@code storeReplyMessageEnable} (the default).
 */
public final class RocketMqAudit implements AutoCloseable {

    private static final int MAX_KEY_LENGTH = 512;

    private final DefaultMQProducer client;
    private final List<ServiceKey> services;
    private final Map<String, Class<?>> interfaces;
    private final Map<String, ClassAllowlist> allowlists = new ConcurrentHashMap<>();
    private final int maxMessages;
    private final DubboCodec codec;

    private RocketMqAudit(Builder b) {
        this.services = List.copyOf(b.services.keySet());
        this.interfaces = Map.copyOf(b.interfaces);
        this.maxMessages = b.maxMessages;
        this.codec = new DubboCodec(Serializations.load(), Integer.MAX_VALUE);
        this.client = new DefaultMQProducer("ferry_audit");
        client.setNamesrvAddr(b.nameServer);
        client.setInstanceName("ferry-audit-" + UUID.randomUUID());
        try {
            client.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("cannot start the audit client against NameServer " + b.nameServer
                    + ": " + e.getMessage(), e);
        }
    }

    /** An audit against the NameServer list {@code host:port;host:port}. */
    public static Builder builder(String nameServer) {
        RocketMqProtocolConfig.of(nameServer); // validates the address list
        return new Builder(nameServer);
    }

    /**
     * The stored request(s) and reply(ies) of the call with {@code requestKey}; an empty trail
     * when none is stored (or the index has not caught up yet: it lags the store by
     * milliseconds).
     *
     * @throws IllegalArgumentException if the key is blank, longer than 512 characters or holds
     *     whitespace (which separates keys in RocketMQ)
     */
    public AuditTrail find(String requestKey) {
        checkKey(requestKey);
        List<String> topics = new ArrayList<>();
        for (ServiceKey s : services) {
            topics.add(TopicNames.topic(s));
        }
        if (topics.isEmpty()) {
            topics.addAll(ferryTopics());
        }
        List<MessageExt> stored = new ArrayList<>();
        for (String topic : topics) {
            stored.addAll(query(topic, requestKey));
        }
        stored.sort(Comparator.comparingLong(MessageExt::getStoreTimestamp));
        List<AuditedRequest> requests = new ArrayList<>();
        Map<Long, Invocation> calls = new HashMap<>();
        Set<String> clusters = new LinkedHashSet<>();
        for (MessageExt m : stored) {
            requests.add(request(m, calls));
            String cluster = m.getProperty(MessageConst.PROPERTY_CLUSTER);
            if (cluster != null) {
                clusters.add(cluster);
            }
        }
        List<MessageExt> storedReplies = new ArrayList<>();
        for (String cluster : clusters) {
            storedReplies.addAll(query(MixAll.getReplyTopic(cluster), requestKey));
        }
        storedReplies.sort(Comparator.comparingLong(MessageExt::getStoreTimestamp));
        List<AuditedReply> replies = new ArrayList<>();
        for (MessageExt m : storedReplies) {
            replies.add(reply(m, calls));
        }
        return new AuditTrail(requestKey, requests, replies);
    }

    private AuditedRequest request(MessageExt m, Map<Long, Invocation> calls) {
        List<Object> args = null;
        String problem = null;
        long id = frameId(m.getBody());
        try {
            Message decoded = codec.decode(new ByteArrayInputStream(m.getBody()), new AuditContext(Map.of()));
            if (decoded instanceof Request r && !r.event()) {
                args = Collections.unmodifiableList(Arrays.asList(r.invocation().arguments().clone()));
                calls.put(r.id(), r.invocation());
            } else {
                problem = "not a call";
            }
        } catch (CodecException e) {
            problem = e.getMessage();
        } catch (Exception | StackOverflowError e) {
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        Instant deadline = null;
        String d = m.getUserProperty(MessageProperties.DEADLINE);
        if (d != null) {
            try {
                deadline = Instant.ofEpochMilli(Long.parseLong(d.trim()));
            } catch (NumberFormatException | java.time.DateTimeException ignored) {
                // shown in the properties as it is
            }
        }
        return new AuditedRequest(m.getMsgId(), m.getTopic(), broker(m), Instant.ofEpochMilli(m.getStoreTimestamp()),
                m.getProperty(MessageConst.PROPERTY_CORRELATION_ID), id, m.getUserProperty(MessageProperties.SERVICE),
                m.getUserProperty(MessageProperties.METHOD), args, deadline, m.getTags(), userProperties(m), problem);
    }

    private AuditedReply reply(MessageExt m, Map<Long, Invocation> calls) {
        byte[] body = m.getBody();
        long id = frameId(body);
        byte status = body != null && body.length > 3 ? body[3] : 0;
        try {
            Message decoded = codec.decode(new ByteArrayInputStream(body), new AuditContext(calls));
            if (!(decoded instanceof Response r)) {
                return reply(m, id, status, null, null, null, "not a response");
            }
            if (!r.isOk()) {
                return reply(m, id, r.status(), null, null, r.errorMessage(), null);
            }
            return reply(m, id, r.status(), r.result().value(), r.result().exception(), null, null);
        } catch (CodecException e) {
            String why = calls.containsKey(id) ? e.getMessage() : "its request was not decoded: " + e.getMessage();
            return reply(m, id, status, null, null, null, why);
        } catch (Exception | StackOverflowError e) {
            return reply(m, id, status, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static AuditedReply reply(MessageExt m, long id, byte status, Object value, Throwable exception, String error,
                                      String problem) {
        return new AuditedReply(m.getMsgId(), broker(m), Instant.ofEpochMilli(m.getStoreTimestamp()),
                m.getProperty(MessageConst.PROPERTY_CORRELATION_ID), id, status, value, exception, error, problem);
    }

    @SuppressWarnings("deprecation") // the key query has no replacement in the remoting client
    private List<MessageExt> query(String topic, String key) {
        try {
            return client.queryMessage(topic, key, maxMessages, 0, Long.MAX_VALUE).getMessageList();
        } catch (MQClientException e) {
            return List.of(); // NO_MESSAGE, or a topic without a route
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying " + topic, e);
        }
    }

    @SuppressWarnings("deprecation")
    private List<String> ferryTopics() {
        try {
            Set<String> all = client.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl()
                    .getTopicListFromNameServer(3000).getTopicList();
            List<String> ferry = new ArrayList<>();
            for (String t : all) {
                if (t.startsWith("ferry_") && !t.startsWith("ferry_provider_")) {
                    ferry.add(t);
                }
            }
            Collections.sort(ferry);
            return ferry;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the NameServer's topics: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> userProperties(MessageExt m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.getProperties().forEach((k, v) -> {
            if (!MessageConst.STRING_HASH_SET.contains(k)) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The broker's name where the client knows it, else its address. */
    private static String broker(MessageExt m) {
        if (m.getBrokerName() != null) {
            return m.getBrokerName();
        }
        return m.getStoreHost() instanceof java.net.InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : null;
    }

    private static long frameId(byte[] body) {
        if (body == null || body.length < 12) {
            return -1;
        }
        long v = 0;
        for (int i = 4; i < 12; i++) {
            v = (v << 8) | (body[i] & 0xff);
        }
        return v;
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "requestKey");
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a request key is 1.." + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isWhitespace(key.charAt(i)) || Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException("a request key holds no whitespace or control characters");
            }
        }
    }

    @Override
    @SuppressWarnings("deprecation")
    public void close() {
        ClientShutdown.run(client.getDefaultMQProducerImpl().getMqClientFactory(), client::shutdown);
    }

    /** What decoding a stored frame may resolve: the audit's service interfaces and the decoded requests. */
    private final class AuditContext implements DecodeContext {
        private final Map<Long, Invocation> calls;

        AuditContext(Map<Long, Invocation> calls) {
            this.calls = calls;
        }

        @Override
        public Method resolveMethod(String interfaceName, String methodName, String parameterDescriptor) {
            Class<?> type = interfaces.get(interfaceName);
            if (type == null) {
                return null;
            }
            String wanted = TypeDescriptors.methodKey(methodName, parameterDescriptor);
            for (Method m : type.getMethods()) {
                if (TypeDescriptors.methodKey(m).equals(wanted)) {
                    return m;
                }
            }
            return null;
        }

        @Override
        public boolean accepts(String interfaceName, byte serializationId) {
            return interfaces.containsKey(interfaceName);
        }

        @Override
        public Invocation pendingCall(long requestId) {
            return calls.get(requestId);
        }

        @Override
        public ClassAllowlist allowlist(String interfaceName) {
            Class<?> type = interfaces.get(interfaceName);
            if (type == null) {
                return name -> false;
            }
            return allowlists.computeIfAbsent(interfaceName, n -> DefaultClassAllowlist.builder().allowTypesOf(type).build());
        }
    }

    /** Configures a {@link RocketMqAudit}. */
    public static final class Builder {
        private final String nameServer;
        private final Map<ServiceKey, Class<?>> services = new LinkedHashMap<>();
        private final Map<String, Class<?>> interfaces = new HashMap<>();
        private int maxMessages = 32;

        private Builder(String nameServer) {
            this.nameServer = nameServer;
        }

        /** Searches the topic of {@code type} (no group, no version) and decodes its calls. */
        public Builder service(Class<?> type) {
            return service(type, "", "");
        }

        /** Searches the topic of {@code type} in {@code group} at {@code version} and decodes its calls. */
        public Builder service(Class<?> type, String group, String version) {
            Objects.requireNonNull(type, "type");
            if (!type.isInterface()) {
                throw new IllegalArgumentException(type.getName() + " is not an interface");
            }
            services.put(new ServiceKey(type.getName(), group, version), type);
            interfaces.put(type.getName(), type);
            return this;
        }

        /** The most messages read per topic and key (default 32). */
        public Builder maxMessages(int maxMessages) {
            if (maxMessages < 1 || maxMessages > 1000) {
                throw new IllegalArgumentException("maxMessages must be 1..1000: " + maxMessages);
            }
            this.maxMessages = maxMessages;
            return this;
        }

        /** Starts the audit's client. */
        public RocketMqAudit build() {
            return new RocketMqAudit(this);
        }
    }
}
