package dev.ferry.protocol.rocketmq;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Protocol;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls over RocketMQ request-reply: each call is a message stored on a broker, in the
 * request topic of its service; the providers of a service form one consumer group, so the
 * broker spreads calls over them and redelivers a call whose provider died before replying.
 * The message body is the same Dubbo frame the TCP transport sends, so a stored call decodes
 * like a packet.
 */
@Extension("rocketmq")
public final class RocketMqProtocol implements Protocol {

    private static final Logger log = LoggerFactory.getLogger(RocketMqProtocol.class);

    private final RocketMqProtocolConfig config;
    private final Serializations serializations = Serializations.load();
    private final DubboCodec codec;
    private final ExportedServices exported;
    private final Map<ServiceKey, RocketMqProvider> providers = new ConcurrentHashMap<>();
    private final Map<String, ClassAllowlist> allowlists = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> referredTypes = new ConcurrentHashMap<>();
    private final PendingCalls pending;
    private final List<RocketMqInvoker> invokers = new ArrayList<>();
    private volatile RocketMqRequester requester;
    private volatile DefaultMQProducer replier;
    private volatile boolean closed;

    /** Uses the NameServer named by {@code -Dferry.rocketmq.namesrv} or {@code ROCKETMQ_NAMESRV_ADDR}. */
    public RocketMqProtocol() {
        this(RocketMqProtocolConfig.fromEnvironment());
    }

    public RocketMqProtocol(RocketMqProtocolConfig config) {
        this.config = config;
        this.codec = new DubboCodec(serializations, config.payloadLimit());
        this.exported = new ExportedServices(serializations);
        this.pending = new PendingCalls(name -> allowlists.computeIfAbsent(name,
                n -> DefaultClassAllowlist.builder().allowTypesOf(referredTypes.get(n)).build()));
    }

    public RocketMqProtocolConfig config() {
        return config;
    }

    @Override
    public synchronized Exporter export(Invoker implementation, ExportOptions options) {
        ensureOpen();
        ServiceKey key = implementation.serviceKey();
        exported.add(implementation, options);
        RocketMqProvider provider;
        try {
            provider = new RocketMqProvider(config, key, codec, exported, replier(), options.tag());
            provider.start();
        } catch (RuntimeException e) {
            exported.remove(key);
            throw e;
        }
        providers.put(key, provider);
        Endpoint endpoint = endpointFor(key);
        return new Exporter() {
            @Override
            public Endpoint endpoint() {
                return endpoint;
            }

            @Override
            public void unexport() {
                RocketMqProvider p = providers.remove(key);
                if (p != null) {
                    p.close();
                }
                exported.remove(key);
            }
        };
    }

    @Override
    public synchronized Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint) {
        ensureOpen();
        referredTypes.putIfAbsent(key.interfaceName(), type);
        RocketMqInvoker invoker = new RocketMqInvoker(type, key, endpoint, TopicNames.topic(key), codec,
                serializations, pending, requester());
        invokers.add(invoker);
        return invoker;
    }

    /** The NameServer, where this protocol finds every service's route by itself. */
    @Override
    public List<Endpoint> endpoints(ServiceKey key) {
        return List.of(endpointFor(key));
    }

    private Endpoint endpointFor(ServiceKey key) {
        String first = config.nameServer().split(";")[0].trim();
        int colon = first.lastIndexOf(':');
        return new Endpoint("rocketmq", first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)),
                Map.of("topic", TopicNames.topic(key)));
    }

    private synchronized RocketMqRequester requester() {
        if (requester == null) {
            requester = new RocketMqRequester(config, codec, pending);
            requester.start();
        }
        return requester;
    }

    private synchronized DefaultMQProducer replier() {
        if (replier == null) {
            DefaultMQProducer p = new DefaultMQProducer("ferry_replier");
            p.setNamesrvAddr(config.nameServer());
            // Client ids are ip@instanceName: a unique name keeps two Ferry instances in one JVM apart.
            p.setInstanceName("ferry-replier-" + UUID.randomUUID());
            p.setMaxMessageSize(config.payloadLimit() + 1024);
            try {
                p.start();
            } catch (MQClientException e) {
                throw new IllegalStateException("cannot start the RocketMQ reply producer against NameServer "
                        + config.nameServer() + ": " + e.getMessage(), e);
            }
            replier = p;
        }
        return replier;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Providers first: a call already taken is answered before the reply producer goes.
        providers.values().forEach(RocketMqProvider::close);
        providers.clear();
        invokers.forEach(RocketMqInvoker::close);
        if (requester != null) {
            requester.close();
        }
        if (replier != null) {
            replier.shutdown();
        }
        log.debug("RocketMQ protocol closed");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("RocketMQ protocol is closed");
        }
    }
}
