package dev.ferry.protocol.dubbo;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.GenericService;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Serialization;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.cluster.Weights;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.provider.ExportedServices;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.Serializations;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code dubbo://} transport: Apache Dubbo's frame format over TCP, with Netty.
 *
 * <p>One instance owns at most one server (bound at the first export, shared by every
 * service it exports) and one client connection per provider address (shared by every
 * reference to that address). Both sides use the shared {@link DubboCodec}; frames are
 * split and size-checked before their bodies are buffered (see {@link FrameDecoder}),
 * decoded on the I/O threads, and service methods run on a bounded business pool.
 *
 * <pre>{@code
 * DubboProtocol dubbo = new DubboProtocol(DubboProtocolConfig.builder().port(0).build());
 * try (FerryBootstrap ferry = FerryBootstrap.builder().protocol(dubbo).build()) { ... }
 * }</pre>
 *
 * <p>A reference of type {@link GenericService} makes generic calls to the service its key
 * names (wrap the invoker in {@link dev.ferry.core.generic.GenericReference}); replies are then
 * decoded with the JDK's plain types only.
 *
 * <p>The no-argument constructor (used when the protocol is found by name through
 * {@link java.util.ServiceLoader}) takes {@link DubboProtocolConfig#defaults()}.
 */
@Extension(DubboProtocol.NAME)
public final class DubboProtocol implements Protocol {

    /** The protocol name, also the scheme of its endpoints. */
    public static final String NAME = "dubbo";

    private static final Logger log = LoggerFactory.getLogger(DubboProtocol.class);
    // Hessian2's id, for heartbeats and for errors to a peer whose serialization is unknown.
    private static final byte HESSIAN2_ID = 2;

    private final DubboProtocolConfig config;
    private final Serializations serializations;
    private final DubboCodec codec;
    private final ExportedServices services;
    private final byte defaultSerializationId;
    private final Map<String, ReplyAllowlist> allowlists = new ConcurrentHashMap<>();
    private final Map<String, DubboClient> clients = new HashMap<>();   // guarded by this

    private EventLoopGroup bossGroup;    // guarded by this
    private EventLoopGroup ioGroup;      // guarded by this
    private java.util.concurrent.ExecutorService replyDecoder; // guarded by this
    private DubboServer server;          // guarded by this
    private boolean closed;              // guarded by this

    /** A protocol with every setting at its default. */
    public DubboProtocol() {
        this(DubboProtocolConfig.defaults());
    }

    /** A protocol with the given settings and the serializations found on the class path. */
    public DubboProtocol(DubboProtocolConfig config) {
        this(config, Serializations.load());
    }

    /** A protocol with the given settings and serializations. */
    public DubboProtocol(DubboProtocolConfig config, Serializations serializations) {
        this.config = Objects.requireNonNull(config, "config");
        this.serializations = Objects.requireNonNull(serializations, "serializations");
        this.codec = new DubboCodec(serializations, config.payloadLimit());
        this.services = new ExportedServices(serializations);
        this.defaultSerializationId = idOrElse(CallOptions.SERIALIZATION.defaultValue(), HESSIAN2_ID);
    }

    /** This protocol's settings. */
    public DubboProtocolConfig config() {
        return config;
    }

    @Override
    public Exporter export(Invoker implementation, ExportOptions options) {
        Objects.requireNonNull(implementation, "implementation");
        Objects.requireNonNull(options, "options");
        ServiceKey key = implementation.serviceKey();
        for (String name : options.serializations()) {
            serializationId(name); // refuse an unknown name before anything is registered
        }
        int port;
        synchronized (this) {
            ensureOpen();
            DubboServer s = ensureServer();
            services.add(implementation, options);
            port = s.port();
        }
        Map<String, String> params = new HashMap<>();
        if (options.weight() != ServiceConfig.DEFAULT_WEIGHT) {
            params.put(Endpoint.WEIGHT, String.valueOf(options.weight()));
        }
        if (!options.tag().isEmpty()) {
            params.put(Endpoint.TAG, options.tag());
        }
        // The export time lets consumers' balancers ramp a fresh instance up (Dubbo's warm-up).
        params.put(Weights.TIMESTAMP, String.valueOf(System.currentTimeMillis()));
        Endpoint endpoint = new Endpoint(NAME, config.advertisedHost(), port, params);
        return new DubboExporter(key, endpoint);
    }

    @Override
    public Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(endpoint, "endpoint");
        if (!NAME.equals(endpoint.protocol())) {
            throw new IllegalArgumentException("the dubbo protocol cannot call " + endpoint + ": its protocol is '"
                    + endpoint.protocol() + "'");
        }
        // Replies are decoded with the referred interface's own types and nothing else; a generic
        // reference has no interface, so its replies get the JDK's plain types only.
        allowlists.compute(key.interfaceName(), (name, known) -> known == null ? ReplyAllowlist.of(type) : known.with(type));
        // A url without a port means Dubbo's default port, as in Apache Dubbo.
        Endpoint address = new Endpoint(NAME, endpoint.host(), endpoint.port() == 0
                ? DubboProtocolConfig.DEFAULT_PORT : endpoint.port());
        DubboClient client;
        synchronized (this) {
            ensureOpen();
            client = clients.get(address.address());
            if (client == null) {
                client = new DubboClient(address, config, codec, this::allowlist, defaultSerializationId, ensureIoGroup(),
                        ensureReplyDecoder());
                clients.put(address.address(), client);
            }
            client.retain();
        }
        DubboClient c = client;
        return new DubboInvoker(type, key, endpoint, c, this::serializationId, () -> release(c));
    }

    /** Closes the server (letting calls in flight finish briefly), the clients and the threads. */
    @Override
    public void close() {
        DubboServer s;
        List<DubboClient> cs;
        EventLoopGroup boss;
        EventLoopGroup io;
        java.util.concurrent.ExecutorService decoder;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
            cs = new ArrayList<>(clients.values());
            clients.clear();
            boss = bossGroup;
            io = ioGroup;
            decoder = replyDecoder;
        }
        if (s != null) {
            s.close(config.shutdownTimeout());
        }
        cs.forEach(DubboClient::close);
        List<Future<?>> stopping = new ArrayList<>();
        for (EventLoopGroup g : new EventLoopGroup[]{boss, io}) {
            if (g != null) {
                // A short quiet period: everything was closed above, so little can still arrive.
                stopping.add(g.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS));
            }
        }
        stopping.forEach(f -> f.awaitUninterruptibly(3000));
        if (decoder != null) {
            decoder.shutdown();
            try {
                decoder.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Consumers connected to this protocol's server; 0 without a server. */
    synchronized int serverConnections() {
        return server == null ? 0 : server.connectionCount();
    }

    @Override
    public synchronized String toString() {
        return "DubboProtocol{" + (server != null ? "server " + config.host() + ":" + server.port() : "no server")
                + ", " + clients.size() + " client(s)" + (closed ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------ internals

    private ClassAllowlist allowlist(String interfaceName) {
        ClassAllowlist a = allowlists.get(interfaceName);
        return a != null ? a : name -> false;
    }

    private int serializationId(String name) {
        Serialization s = serializations.byName(name);
        if (s == null) {
            throw new IllegalArgumentException("no serialization named '" + name + "'");
        }
        return s.id();
    }

    private byte idOrElse(String name, byte fallback) {
        try {
            return (byte) serializationId(name);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private void release(DubboClient client) {
        boolean close;
        synchronized (this) {
            close = client.release();
            if (close) {
                clients.remove(client.endpoint().address(), client);
            }
        }
        if (close) {
            client.close();
        }
    }

    // Called with this locked.
    private DubboServer ensureServer() {
        if (server == null) {
            if (bossGroup == null) {
                bossGroup = new NioEventLoopGroup(1, daemonThreads("ferry-dubbo-accept"));
            }
            DubboServer s = new DubboServer(config, codec, services, defaultSerializationId);
            s.start(bossGroup, ensureIoGroup());
            server = s;
        }
        return server;
    }

    // Called with this locked.
    private EventLoopGroup ensureIoGroup() {
        if (ioGroup == null) {
            ioGroup = new NioEventLoopGroup(config.ioThreads(), daemonThreads("ferry-dubbo-io"));
        }
        return ioGroup;
    }

    // Called with this locked. Replies are decoded here rather than on the connection's one I/O
    // thread, so the values of many callers' replies are read in parallel. Unbounded: a reply
    // that arrived is never dropped.
    private java.util.concurrent.ExecutorService ensureReplyDecoder() {
        if (replyDecoder == null) {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            replyDecoder = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                    new java.util.concurrent.LinkedBlockingQueue<>(), daemonThreads("ferry-dubbo-reply"));
        }
        return replyDecoder;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the dubbo protocol is closed");
        }
    }

    /** Daemon threads named {@code prefix-N}, so a forgotten protocol never keeps a JVM alive. */
    static ThreadFactory daemonThreads(String prefix) {
        return new DefaultThreadFactory(prefix, true);
    }

    /**
     * What replies for one interface name may contain: the types of every interface referred
     * under that name (normally one), or only the JDK's plain types for a generic reference.
     */
    private record ReplyAllowlist(List<Class<?>> types, List<ClassAllowlist> lists) implements ClassAllowlist {

        static ReplyAllowlist of(Class<?> type) {
            return new ReplyAllowlist(List.of(type), List.of(listFor(type)));
        }

        ReplyAllowlist with(Class<?> type) {
            if (types.contains(type)) {
                return this;
            }
            List<Class<?>> t = new ArrayList<>(types);
            t.add(type);
            List<ClassAllowlist> l = new ArrayList<>(lists);
            l.add(listFor(type));
            return new ReplyAllowlist(List.copyOf(t), List.copyOf(l));
        }

        @Override
        public boolean allows(String className) {
            for (ClassAllowlist l : lists) {
                if (l.allows(className)) {
                    return true;
                }
            }
            return false;
        }

        private static ClassAllowlist listFor(Class<?> type) {
            return type == GenericService.class ? DefaultClassAllowlist.builder().build()
                    : DefaultClassAllowlist.builder().allowTypesOf(type).build();
        }
    }

    /** A service served by this protocol's server. */
    private final class DubboExporter implements Exporter {
        private final ServiceKey key;
        private final Endpoint endpoint;
        private final AtomicBoolean unexported = new AtomicBoolean();

        DubboExporter(ServiceKey key, Endpoint endpoint) {
            this.key = key;
            this.endpoint = endpoint;
        }

        @Override
        public Endpoint endpoint() {
            return endpoint;
        }

        @Override
        public void unexport() {
            if (unexported.compareAndSet(false, true)) {
                services.remove(key);
                log.info("unexported {} at {}", key, endpoint);
            }
        }

        @Override
        public String toString() {
            return "DubboExporter{" + key + " at " + endpoint + "}";
        }
    }
}
