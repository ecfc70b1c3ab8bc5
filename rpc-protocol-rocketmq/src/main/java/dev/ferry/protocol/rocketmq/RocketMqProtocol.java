package dev.ferry.protocol.rocketmq;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Registry;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.core.transport.PendingCalls;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Calls over RocketMQ request-reply: each call is a message stored on a broker, in the
 * request topic of its service; the providers of a service form one consumer group, so the
 * broker spreads calls over them and redelivers a call whose provider died before replying.
 * The message body is the same Dubbo frame the TCP transport sends, so a stored call decodes
 * like a packet.
 *
 * <p>Discovery: {@link #endpoints(ServiceKey)} lists one endpoint per master broker that
 * carries the service's topic ({@code rocketmq://<broker address>?broker=<name>&topic=<topic>}),
 * from the NameServer, so the consumer's load balancer spreads calls over brokers and failover
 * moves to another broker when a send fails; {@link #subscribe(ServiceKey, Registry.Listener)}
 * follows that list as brokers come and go. An endpoint without {@code broker} (a service's
 * exported endpoint, or the one listed while its topic has no route yet) sends to every broker
 * of the topic in turn.
 *
 * <p>One RocketMQ client per protocol instance carries everything: requests, replies, and every
 * provider's consumer.
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
    private final Map<Registry.Listener, Subscription> subscriptions = new LinkedHashMap<>();
    private RocketMqClient client;
    private RocketMqRequester requester;
    private volatile boolean closed;

    /** Uses the NameServer named by {@code -Dferry.rocketmq.namesrv} or {@code ROCKETMQ_NAMESRV_ADDR}. */
    public RocketMqProtocol() {
        this(RocketMqProtocolConfig.fromEnvironment());
    }

    public RocketMqProtocol(RocketMqProtocolConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.codec = new DubboCodec(serializations, config.payloadLimit());
        this.exported = new ExportedServices(serializations);
        this.pending = new PendingCalls(name -> allowlists.computeIfAbsent(name,
                n -> DefaultClassAllowlist.builder().allowTypesOf(referredTypes.get(n)).build()));
    }

    public RocketMqProtocolConfig config() {
        return config;
    }

    /**
     * Serves {@code implementation} from its request topic (created first when
     * {@code createTopics} is on), in the provider group of its tag, and returns once the
     * provider holds its queues.
     *
     * @throws IllegalArgumentException if the tag is not a valid routing tag
     * @throws IllegalStateException if the topic does not exist and cannot be created, or the
     *     consumer cannot start
     */
    @Override
    public synchronized Exporter export(Invoker implementation, ExportOptions options) {
        ensureOpen();
        ServiceKey key = implementation.serviceKey();
        String tag = options.tag().isEmpty() ? "" : TopicNames.checkTag(options.tag());
        exported.add(implementation, options);
        RocketMqProvider provider;
        try {
            provider = new RocketMqProvider(config, key, tag, codec, exported, client());
        } catch (RuntimeException e) {
            exported.remove(key);
            throw e;
        }
        try {
            provider.start();
        } catch (RuntimeException e) {
            exported.remove(key);
            provider.close();
            throw e;
        }
        providers.put(key, provider);
        Endpoint endpoint = tag.isEmpty() ? nameServerEndpoint(key) : nameServerEndpoint(key).withParameter(Endpoint.TAG, tag);
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

    /** An invoker for the broker the endpoint names, or for every broker of the topic when it names none. */
    @Override
    public synchronized Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint) {
        ensureOpen();
        referredTypes.putIfAbsent(key.interfaceName(), type);
        RocketMqInvoker invoker = new RocketMqInvoker(type, key, endpoint, serializations, requester(), client().routes());
        invokers.add(invoker);
        return invoker;
    }

    /**
     * One endpoint per master broker that carries the service's request topic, as the
     * NameServer says now; while the topic has no route, the NameServer's endpoint (calls then
     * fail with {@code SERVICE_NOT_FOUND} until a provider creates the topic).
     */
    @Override
    public List<Endpoint> endpoints(ServiceKey key) {
        ensureOpen();
        return endpointsOf(key, client().routes().route(TopicNames.topic(key)));
    }

    /**
     * Calls {@code listener} now with {@link #endpoints(ServiceKey)}, and again whenever the
     * brokers that carry the service's topic change (checked every discovery interval and after
     * a failed send).
     */
    @Override
    public void subscribe(ServiceKey key, Registry.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        String topic = TopicNames.topic(key);
        Consumer<TopicRoute> onChange = route -> listener.onChange(endpointsOf(key, route));
        synchronized (this) {
            ensureOpen();
            subscriptions.put(listener, new Subscription(topic, onChange));
            client().routes().listen(topic, onChange);
        }
        listener.onChange(endpoints(key));
    }

    /** Stops calling {@code listener}. */
    @Override
    public synchronized void unsubscribe(ServiceKey key, Registry.Listener listener) {
        Subscription s = subscriptions.remove(listener);
        if (s != null && client != null) {
            client.routes().unlisten(s.topic, s.onChange);
        }
    }

    /** What the provider of {@code key} exported here did so far; empty when it is not exported here. */
    public Optional<RocketMqProviderStats> providerStats(ServiceKey key) {
        RocketMqProvider p = providers.get(key);
        return p == null ? Optional.empty() : Optional.of(p.stats());
    }

    /** {@code IP@instanceName} of this protocol's client, where brokers push its replies (starts the client). */
    String clientId() {
        return client().clientId();
    }

    private List<Endpoint> endpointsOf(ServiceKey key, TopicRoute route) {
        if (!route.exists() || route.brokers().isEmpty()) {
            return List.of(nameServerEndpoint(key));
        }
        List<Endpoint> out = new ArrayList<>(route.brokers().size());
        for (TopicRoute.BrokerRoute b : route.brokers()) {
            String addr = b.address();
            int colon = addr.lastIndexOf(':');
            String host = addr.substring(0, colon);
            int port = Integer.parseInt(addr.substring(colon + 1));
            out.add(new Endpoint("rocketmq", host, port, Map.of(RocketMqInvoker.BROKER, b.name(),
                    RocketMqInvoker.TOPIC, route.topic(), RocketMqInvoker.TAG_ROUTING, "transport")));
        }
        return List.copyOf(out);
    }

    private Endpoint nameServerEndpoint(ServiceKey key) {
        String first = config.firstNameServer();
        int colon = first.lastIndexOf(':');
        return new Endpoint("rocketmq", first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)),
                Map.of(RocketMqInvoker.TOPIC, TopicNames.topic(key), RocketMqInvoker.TAG_ROUTING, "transport"));
    }

    private synchronized RocketMqClient client() {
        if (client == null) {
            client = new RocketMqClient(config);
        }
        return client;
    }

    private synchronized RocketMqRequester requester() {
        if (requester == null) {
            requester = new RocketMqRequester(client(), codec, pending);
        }
        return requester;
    }

    /**
     * Stops the providers first — each waits up to the shutdown wait for the calls it runs to
     * reply — then the invokers, then the client.
     */
    @Override
    public void close() {
        List<RocketMqProvider> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(providers.values());
            providers.clear();
            invokers.forEach(RocketMqInvoker::close);
            subscriptions.clear();
        }
        // In parallel: each provider may wait for its calls in progress.
        List<Thread> stoppers = new ArrayList<>();
        for (RocketMqProvider p : toStop) {
            Thread t = new Thread(p::close, "ferry-rocketmq-stop-" + p.group());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        RocketMqClient c;
        synchronized (this) {
            c = client;
        }
        if (c != null) {
            c.close();
        }
        log.debug("RocketMQ protocol closed");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("RocketMQ protocol is closed");
        }
    }

    private record Subscription(String topic, Consumer<TopicRoute> onChange) {
    }
}
