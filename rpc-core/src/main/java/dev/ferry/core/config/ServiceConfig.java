package dev.ferry.core.config;

import dev.ferry.api.RpcService;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.ExportOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How one service implementation is exported. Build one with {@link #builder} or read it off
 * an {@link RpcService} class with {@link #fromAnnotation}.
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

    /** What the protocol needs to know. */
    public ExportOptions exportOptions() {
        return new ExportOptions(serializations, tag, weight);
    }

    @Override
    public String toString() {
        return "ServiceConfig{" + serviceKey() + ", protocols=" + protocols + ", serializations=" + serializations + "}";
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

        public ServiceConfig<T> build() {
            return new ServiceConfig<>(this);
        }
    }
}
