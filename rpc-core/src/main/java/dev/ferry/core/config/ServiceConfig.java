package dev.ferry.core.config;

import dev.ferry.api.RpcService;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ExportOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one service implementation is exported. Build one with {@link #builder} or read it off
 * an {@link RpcService} class with {@link #fromAnnotation}.
 *
 * <p>What the service accepts from the network: requests written in one of its
 * {@link #serializations()} (hessian2 unless set; Java native serialization only when named),
 * at most {@link #payloadLimit()} bytes long (the protocol's limit unless set: 8 MiB by
 * default), whose values are of the types
 * its interface names, plus the classes and packages added with
 * {@link Builder#allowClass(String...)} and {@link Builder#allowPackage(String)}; known
 * deserialization gadgets never, whatever is added.
 *
 * @param <T> the service interface
 */
public final class ServiceConfig<T> {

    /** Serialization a service accepts when none is configured. */
    public static final String DEFAULT_SERIALIZATION = "hessian2";
    /** Weight of an instance when none is configured (Dubbo's default). */
    public static final int DEFAULT_WEIGHT = 100;

    private final Class<T> type;
    private final T implementation;
    private final String group;
    private final String version;
    private final List<String> protocols;
    private final List<String> serializations;
    private final Duration timeout;
    private final int weight;
    private final String tag;
    private final List<String> filters;
    private final int payloadLimit;
    private final List<String> allowedClasses;
    private final List<String> allowedPackages;

    private ServiceConfig(Builder<T> b) {
        this.type = b.type;
        this.implementation = b.implementation;
        this.group = b.group;
        this.version = b.version;
        this.protocols = List.copyOf(b.protocols);
        this.serializations = List.copyOf(b.serializations.isEmpty() ? List.of(DEFAULT_SERIALIZATION) : b.serializations);
        this.timeout = b.timeout;
        this.weight = b.weight;
        this.tag = b.tag;
        this.filters = List.copyOf(b.filters);
        this.payloadLimit = b.payloadLimit;
        this.allowedClasses = List.copyOf(b.allowedClasses);
        this.allowedPackages = List.copyOf(b.allowedPackages);
    }

    /** A builder for a service of interface {@code type} served by {@code implementation}. */
    public static <T> Builder<T> builder(Class<T> type, T implementation) {
        return new Builder<>(type, implementation);
    }

    /**
     * The configuration an {@link RpcService} annotation on {@code implementation}'s class
     * describes.
     *
     * @throws IllegalArgumentException when the class is not annotated or the interface
     *         cannot be determined
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ServiceConfig<?> fromAnnotation(Object implementation) {
        Class<?> cls = implementation.getClass();
        RpcService a = cls.getAnnotation(RpcService.class);
        if (a == null) {
            throw new IllegalArgumentException(cls.getName() + " is not annotated @RpcService");
        }
        Class<?> type = a.interfaceClass();
        if (type == void.class) {
            Class<?>[] interfaces = cls.getInterfaces();
            if (interfaces.length != 1) {
                throw new IllegalArgumentException(cls.getName() + " implements " + interfaces.length
                        + " interfaces; name the service interface with @RpcService(interfaceClass = …)");
            }
            type = interfaces[0];
        }
        Builder b = builder((Class) type, implementation)
                .group(a.group()).version(a.version())
                .protocols(Arrays.asList(a.protocol()))
                .serializations(Arrays.asList(a.serialization()))
                .tag(a.tag());
        if (a.timeout() > 0) {
            b.timeout(Duration.ofMillis(a.timeout()));
        }
        if (a.weight() > 0) {
            b.weight(a.weight());
        }
        return b.build();
    }

    public Class<T> type() {
        return type;
    }

    public T implementation() {
        return implementation;
    }

    public ServiceKey serviceKey() {
        return new ServiceKey(type.getName(), group, version);
    }

    /** Protocol names to export on; empty means the bootstrap's defaults. */
    public List<String> protocols() {
        return protocols;
    }

    public List<String> serializations() {
        return serializations;
    }

    /** Suggested timeout for callers; null when unset. */
    public Duration timeout() {
        return timeout;
    }

    public int weight() {
        return weight;
    }

    public String tag() {
        return tag;
    }

    /** Names of provider filters to run besides the ones active by default. */
    public List<String> filters() {
        return filters;
    }

    /** Largest request or reply body, in bytes; {@code 0} for the protocol's limit (the default). */
    public int payloadLimit() {
        return payloadLimit;
    }

    /** Classes requests may carry beyond the interface's own types. */
    public List<String> allowedClasses() {
        return allowedClasses;
    }

    /** Packages whose classes requests may carry beyond the interface's own types. */
    public List<String> allowedPackages() {
        return allowedPackages;
    }

    /** What the protocol needs to know. */
    public ExportOptions exportOptions() {
        return new ExportOptions(serializations, tag, weight, payloadLimit, allowedClasses, allowedPackages);
    }

    @Override
    public String toString() {
        return "ServiceConfig{" + serviceKey() + ", protocols=" + protocols + ", serializations=" + serializations
                + ", payloadLimit=" + payloadLimit + ", allowedClasses=" + allowedClasses
                + ", allowedPackages=" + allowedPackages + "}";
    }

    /** Builds a {@link ServiceConfig}; every setter rejects nonsense at once. */
    public static final class Builder<T> {
        private final Class<T> type;
        private final T implementation;
        private String group = "";
        private String version = "";
        private final List<String> protocols = new ArrayList<>();
        private final List<String> serializations = new ArrayList<>();
        private Duration timeout;
        private int weight = DEFAULT_WEIGHT;
        private String tag = "";
        private final List<String> filters = new ArrayList<>();
        private int payloadLimit = ExportOptions.PROTOCOL_PAYLOAD_LIMIT;
        private final Set<String> allowedClasses = new LinkedHashSet<>();
        private final Set<String> allowedPackages = new LinkedHashSet<>();

        private Builder(Class<T> type, T implementation) {
            this.type = Objects.requireNonNull(type, "type");
            this.implementation = Objects.requireNonNull(implementation, "implementation");
            if (!type.isInterface()) {
                throw new IllegalArgumentException(type.getName() + " is not an interface");
            }
            if (!type.isInstance(implementation)) {
                throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement " + type.getName());
            }
        }

        public Builder<T> group(String group) {
            this.group = Names.check("group", group);
            return this;
        }

        public Builder<T> version(String version) {
            this.version = Names.check("version", version);
            return this;
        }

        public Builder<T> protocols(List<String> names) {
            protocols.clear();
            names.forEach(n -> protocols.add(Names.require("protocol", n)));
            return this;
        }

        public Builder<T> protocol(String name) {
            return protocols(List.of(name));
        }

        public Builder<T> serializations(List<String> names) {
            serializations.clear();
            names.forEach(n -> serializations.add(Names.require("serialization", n)));
            return this;
        }

        public Builder<T> timeout(Duration timeout) {
            this.timeout = Names.positive("timeout", timeout);
            return this;
        }

        public Builder<T> weight(int weight) {
            if (weight < 0) {
                throw new IllegalArgumentException("weight is negative: " + weight);
            }
            this.weight = weight;
            return this;
        }

        public Builder<T> tag(String tag) {
            this.tag = Names.check("tag", tag);
            return this;
        }

        public Builder<T> filters(List<String> names) {
            filters.clear();
            names.forEach(n -> filters.add(Names.require("filter", n)));
            return this;
        }

        /**
         * Lets requests carry instances of these classes (binary names, e.g.
         * {@code com.example.Order$Line}) beyond the types the interface names: subclasses
         * that only appear at run time, values in {@code Object} fields. Known
         * deserialization gadgets stay refused.
         */
        public Builder<T> allowClass(String... classNames) {
            Objects.requireNonNull(classNames, "classNames");
            for (String name : classNames) {
                allowedClasses.add(checkClassName(name));
            }
            return this;
        }

        /**
         * Lets requests carry instances of every class in {@code packageName} and below (e.g.
         * {@code com.example.orders}). Known deserialization gadgets stay refused.
         */
        public Builder<T> allowPackage(String packageName) {
            allowedPackages.add(checkPackageName(packageName));
            return this;
        }

        /**
         * Largest request or reply body, in bytes (unset: the protocol's limit, 8 MiB unless
         * configured otherwise). A request over it is refused with status 40; a reply over it is
         * replaced by an error reply. The protocol's own limit still applies when it is lower.
         */
        public Builder<T> payloadLimit(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("payload limit must be positive: " + bytes);
            }
            this.payloadLimit = bytes;
            return this;
        }

        public ServiceConfig<T> build() {
            return new ServiceConfig<>(this);
        }
    }

    private static final int MAX_NAME_LENGTH = 1024;
    private static final Pattern BINARY_NAME = Pattern.compile(
            "[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    /** A class's binary name as a JVM spells it; no arrays, no blanks. */
    static String checkClassName(String name) {
        if (name == null || name.length() > MAX_NAME_LENGTH || !BINARY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + abbreviate(name) + "' is not a class name (e.g. com.example.Order$Line)");
        }
        return name;
    }

    /** A package name, with or without a trailing dot; returned without it. */
    static String checkPackageName(String name) {
        String bare = name != null && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (bare == null || bare.length() > MAX_NAME_LENGTH || !BINARY_NAME.matcher(bare).matches()) {
            throw new IllegalArgumentException("'" + abbreviate(name) + "' is not a package name (e.g. com.example.orders)");
        }
        return bare;
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
