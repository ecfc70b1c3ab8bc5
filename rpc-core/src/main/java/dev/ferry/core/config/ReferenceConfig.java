package dev.ferry.core.config;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.RpcReference;
import dev.ferry.api.ServiceKey;

import dev.ferry.core.codec.CodecOptions;
import dev.ferry.serialization.DefaultClassAllowlist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a consumer calls one service. Build one with {@link #builder} or read it off an
 * {@link RpcReference} field with {@link #fromAnnotation}. Unset values take the defaults of
 * {@link CallOptions}.
 *
 * <p>Replies are decoded with the types the interface names, plus the classes and packages
 * added with {@link Builder#allowClass(String...)} and {@link Builder#allowPackage(String)}
 * (carried to the codec as {@link CodecOptions#REPLY_ALLOWLIST}), and may be at most
 * {@link Builder#payloadLimit(int)} bytes long, as may requests
 * ({@link CodecOptions#PAYLOAD_LIMIT}; the protocol's limit, 8 MiB by default, unless set).
 *
 * @param <T> the service interface
 */
public final class ReferenceConfig<T> {

    private final Class<T> type;
    private final String interfaceName;
    private final String group;
    private final String version;
    private final String protocol;
    private final List<Endpoint> urls;
    private final boolean async;
    private final List<String> filters;
    private final List<String> clusterFilters;
    private final CallOptions options;

    private ReferenceConfig(Builder<T> b) {
        this.type = b.type;
        this.interfaceName = b.interfaceName;
        this.clusterFilters = List.copyOf(b.clusterFilters);
        this.group = b.group;
        this.version = b.version;
        this.protocol = b.protocol;
        this.urls = List.copyOf(b.urls);
        this.async = b.async;
        this.filters = List.copyOf(b.filters);
        this.options = b.options;
    }

    public static <T> Builder<T> builder(Class<T> type) {
        return new Builder<>(type);
    }

    /**
     * A reference to {@code interfaceName} without its class: the proxy is a
     * {@link dev.ferry.api.GenericService}, and arguments and results travel as plain values
     * (POJOs as maps).
     *
     * @throws IllegalArgumentException when the name is not a Java class name
     */
    public static Builder<dev.ferry.api.GenericService> generic(String interfaceName) {
        Builder<dev.ferry.api.GenericService> b = new Builder<>(dev.ferry.api.GenericService.class);
        b.interfaceName = checkClassName(interfaceName);
        return b;
    }

    private static String checkClassName(String name) {
        if (name == null || !name.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            throw new IllegalArgumentException("'" + name + "' is not a Java interface name");
        }
        return name;
    }

    /** The configuration an {@link RpcReference} annotation describes for a field of {@code fieldType}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ReferenceConfig<?> fromAnnotation(RpcReference a, Class<?> fieldType) {
        Class<?> type = a.interfaceClass() == void.class ? fieldType : a.interfaceClass();
        Builder b = builder(type).group(a.group()).version(a.version()).async(a.async());
        if (!a.protocol().isEmpty()) {
            b.protocol(a.protocol());
        }
        if (!a.serialization().isEmpty()) {
            b.serialization(a.serialization());
        }
        if (a.timeout() > 0) {
            b.timeout(Duration.ofMillis(a.timeout()));
        }
        if (a.retries() >= 0) {
            b.retries(a.retries());
        }
        if (!a.cluster().isEmpty()) {
            b.cluster(a.cluster());
        }
        if (!a.loadbalance().isEmpty()) {
            b.loadBalance(a.loadbalance());
        }
        if (!a.tag().isEmpty()) {
            b.tag(a.tag());
        }
        if (!a.url().isBlank()) {
            b.urls(a.url());
        }
        return b.build();
    }

    public Class<T> type() {
        return type;
    }

    public ServiceKey serviceKey() {
        return new ServiceKey(interfaceName, group, version);
    }

    /** True for a reference made with {@link #generic(String)}. */
    public boolean isGeneric() {
        return type == dev.ferry.api.GenericService.class;
    }

    /** Names of cluster filters to run besides those active by default. */
    public List<String> clusterFilters() {
        return clusterFilters;
    }

    /** Protocol name; empty means the bootstrap's default. */
    public String protocol() {
        return protocol;
    }

    /** Direct provider endpoints; empty means "ask the registry or the protocol". */
    public List<Endpoint> urls() {
        return urls;
    }

    public boolean async() {
        return async;
    }

    /** Names of consumer filters to run besides those active by default. */
    public List<String> filters() {
        return filters;
    }

    /** Per-call defaults: timeout, retries, cluster, load balancer, serialization, tag. */
    public CallOptions callOptions() {
        return options;
    }

    @Override
    public String toString() {
        return "ReferenceConfig{" + serviceKey() + ", protocol=" + protocol + ", urls=" + urls + ", " + options + "}";
    }

    /** Builds a {@link ReferenceConfig}; every setter rejects nonsense at once. */
    public static final class Builder<T> {
        private final Class<T> type;
        private String group = "";
        private String version = "";
        private String protocol = "";
        private final List<Endpoint> urls = new ArrayList<>();
        private boolean async;
        private final List<String> filters = new ArrayList<>();
        private final List<String> clusterFilters = new ArrayList<>();
        private String interfaceName;
        private CallOptions options = CallOptions.DEFAULT;
        private final Set<String> allowedClasses = new LinkedHashSet<>();
        private final Set<String> allowedPackages = new LinkedHashSet<>();

        private Builder(Class<T> type) {
            this.type = Objects.requireNonNull(type, "type");
            if (!type.isInterface()) {
                throw new IllegalArgumentException(type.getName() + " is not an interface");
            }
            this.interfaceName = type.getName();
        }

        public Builder<T> group(String group) {
            this.group = Names.check("group", group);
            return this;
        }

        public Builder<T> version(String version) {
            this.version = Names.check("version", version);
            return this;
        }

        public Builder<T> protocol(String protocol) {
            this.protocol = Names.require("protocol", protocol);
            return this;
        }

        /** Comma-separated endpoints, e.g. {@code "dubbo://10.0.0.7:20880,dubbo://10.0.0.8:20880"}. */
        public Builder<T> urls(String commaSeparated) {
            urls.clear();
            for (String part : commaSeparated.split(",")) {
                if (!part.isBlank()) {
                    urls.add(Endpoint.parse(part));
                }
            }
            return this;
        }

        public Builder<T> url(Endpoint endpoint) {
            urls.clear();
            urls.add(Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        public Builder<T> async(boolean async) {
            this.async = async;
            return this;
        }

        /** Cluster filters (run once per call, around retries) to add by name, e.g. {@code "ratelimit"}. */
        public Builder<T> clusterFilters(List<String> names) {
            clusterFilters.clear();
            names.forEach(n -> clusterFilters.add(Names.require("cluster filter", n)));
            return this;
        }

        public Builder<T> filters(List<String> names) {
            filters.clear();
            names.forEach(n -> filters.add(Names.require("filter", n)));
            return this;
        }

        public Builder<T> timeout(Duration timeout) {
            options = options.with(CallOptions.TIMEOUT, Names.positive("timeout", timeout));
            return this;
        }

        public Builder<T> retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries is negative: " + retries);
            }
            options = options.with(CallOptions.RETRIES, retries);
            return this;
        }

        public Builder<T> cluster(String name) {
            options = options.with(CallOptions.CLUSTER, Names.require("cluster", name));
            return this;
        }

        public Builder<T> loadBalance(String name) {
            options = options.with(CallOptions.LOAD_BALANCE, Names.require("load balancer", name));
            return this;
        }

        public Builder<T> serialization(String name) {
            options = options.with(CallOptions.SERIALIZATION, Names.require("serialization", name));
            return this;
        }

        public Builder<T> tag(String tag) {
            options = options.with(CallOptions.TAG, Names.check("tag", tag));
            return this;
        }

        /** Sets any typed option, including an extension's own keys. */
        public <V> Builder<T> option(CallOptions.Key<V> key, V value) {
            options = options.with(key, value);
            return this;
        }

        /**
         * Lets replies carry instances of these classes (binary names) beyond the types the
         * interface names. Known deserialization gadgets stay refused.
         */
        public Builder<T> allowClass(String... classNames) {
            Objects.requireNonNull(classNames, "classNames");
            for (String name : classNames) {
                allowedClasses.add(ServiceConfig.checkClassName(name));
            }
            return this;
        }

        /** Lets replies carry instances of every class in {@code packageName} and below. */
        public Builder<T> allowPackage(String packageName) {
            allowedPackages.add(ServiceConfig.checkPackageName(packageName));
            return this;
        }

        /**
         * Largest request or reply body of this reference's calls, in bytes (unset: the
         * protocol's limit, 8 MiB unless configured otherwise); the protocol's own limit still
         * applies when it is lower.
         */
        public Builder<T> payloadLimit(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("payload limit must be positive: " + bytes);
            }
            options = options.with(CodecOptions.PAYLOAD_LIMIT, bytes);
            return this;
        }

        public ReferenceConfig<T> build() {
            if (!allowedClasses.isEmpty() || !allowedPackages.isEmpty()) {
                DefaultClassAllowlist.Builder replies = DefaultClassAllowlist.builder().allowTypesOf(type);
                allowedClasses.forEach(replies::allowClass);
                allowedPackages.forEach(replies::allowPackage);
                options = options.with(CodecOptions.REPLY_ALLOWLIST, replies.build());
            }
            return new ReferenceConfig<>(this);
        }
    }
}
