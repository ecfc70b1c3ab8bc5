package dev.ferry.registry.zookeeper;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach ZooKeeper and where Ferry keeps its nodes there.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>connectString</td><td>required: {@code host:port[,host:port…][/chroot]}</td></tr>
 *   <tr><td>sessionTimeout</td><td>30 s: how long ZooKeeper keeps this client's ephemeral
 *       nodes after it goes silent (the server may clamp it to 2–20 ticks)</td></tr>
 *   <tr><td>connectionTimeout</td><td>5 s: how long opening the connection, a registration
 *       or the first read of a subscription waits for ZooKeeper</td></tr>
 *   <tr><td>registryRoot</td><td>{@code /dubbo}: providers live in Apache Dubbo's
 *       interface-level layout under it, so Dubbo consumers find Ferry providers</td></tr>
 *   <tr><td>ferryRoot</td><td>{@code /ferry}: service metadata, router rules and instance
 *       overrides</td></tr>
 *   <tr><td>application</td><td>{@code ferry}: the application name written into provider
 *       entries</td></tr>
 * </table>
 */
public final class ZookeeperRegistryConfig {

    /** Default session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    /** Default connection timeout. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Default root of provider entries (Apache Dubbo's). */
    public static final String DEFAULT_REGISTRY_ROOT = "/dubbo";
    /** Default root of Ferry's own nodes. */
    public static final String DEFAULT_FERRY_ROOT = "/ferry";
    /** Default application name. */
    public static final String DEFAULT_APPLICATION = "ferry";

    private final String connectString;
    private final Duration sessionTimeout;
    private final Duration connectionTimeout;
    private final String registryRoot;
    private final String ferryRoot;
    private final String application;

    private ZookeeperRegistryConfig(Builder b) {
        this.connectString = b.connectString;
        this.sessionTimeout = b.sessionTimeout;
        this.connectionTimeout = b.connectionTimeout;
        this.registryRoot = b.registryRoot;
        this.ferryRoot = b.ferryRoot;
        this.application = b.application;
    }

    /** Every setting at its default, for the ensemble at {@code connectString}. */
    public static ZookeeperRegistryConfig of(String connectString) {
        return builder(connectString).build();
    }

    /**
     * A builder for the ensemble at {@code connectString}.
     *
     * @throws IllegalArgumentException when the connect string is malformed
     */
    public static Builder builder(String connectString) {
        return new Builder(connectString);
    }

    public String connectString() {
        return connectString;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    public String registryRoot() {
        return registryRoot;
    }

    public String ferryRoot() {
        return ferryRoot;
    }

    public String application() {
        return application;
    }

    @Override
    public String toString() {
        return "ZookeeperRegistryConfig{" + connectString + ", session " + sessionTimeout + ", connection "
                + connectionTimeout + ", roots " + registryRoot + " " + ferryRoot + ", application " + application + "}";
    }

    /** Builds a {@link ZookeeperRegistryConfig}; every setter rejects nonsense at once. */
    public static final class Builder {
        private final String connectString;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private String registryRoot = DEFAULT_REGISTRY_ROOT;
        private String ferryRoot = DEFAULT_FERRY_ROOT;
        private String application = DEFAULT_APPLICATION;

        private Builder(String connectString) {
            this.connectString = checkConnectString(connectString);
        }

        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = positive("session timeout", timeout);
            return this;
        }

        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = positive("connection timeout", timeout);
            return this;
        }

        /** Root of provider entries, e.g. {@code /dubbo}. */
        public Builder registryRoot(String root) {
            this.registryRoot = checkRoot("registry root", root);
            return this;
        }

        /** Root of metadata, rules and overrides, e.g. {@code /ferry}. */
        public Builder ferryRoot(String root) {
            this.ferryRoot = checkRoot("ferry root", root);
            return this;
        }

        /** Application name written into provider entries. */
        public Builder application(String name) {
            Objects.requireNonNull(name, "application");
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("application '" + name + "' may hold only letters, digits, '.', '-' and '_'");
            }
            this.application = name;
            return this;
        }

        public ZookeeperRegistryConfig build() {
            if (registryRoot.equals(ferryRoot)) {
                throw new IllegalArgumentException("the registry root and the ferry root must differ: " + registryRoot);
            }
            return new ZookeeperRegistryConfig(this);
        }

        private static String checkConnectString(String s) {
            Objects.requireNonNull(s, "connectString");
            String trimmed = s.trim();
            int chroot = trimmed.indexOf('/');
            String hosts = chroot >= 0 ? trimmed.substring(0, chroot) : trimmed;
            if (chroot >= 0) {
                checkRoot("chroot of connect string '" + s + "'", trimmed.substring(chroot));
            }
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("ZooKeeper connect string '" + s + "' names no server");
            }
            for (String server : hosts.split(",", -1)) {
                int colon = server.lastIndexOf(':');
                String host = colon >= 0 ? server.substring(0, colon) : server;
                if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException("ZooKeeper connect string '" + s + "' has a malformed server '" + server + "'");
                }
                if (colon >= 0) {
                    String port = server.substring(colon + 1);
                    int p;
                    try {
                        p = Integer.parseInt(port);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("ZooKeeper connect string '" + s + "' has a non-numeric port '" + port + "'");
                    }
                    if (p < 1 || p > 65535) {
                        throw new IllegalArgumentException("ZooKeeper connect string '" + s + "' has a port out of range: " + p);
                    }
                }
            }
            return trimmed;
        }

        private static String checkRoot(String what, String root) {
            Objects.requireNonNull(root, what);
            if (!root.startsWith("/") || root.length() < 2 || root.endsWith("/") || root.contains("//")
                    || root.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(what + " '" + root + "' must be an absolute ZooKeeper path such as /dubbo");
            }
            for (String part : root.substring(1).split("/")) {
                if (part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException(what + " '" + root + "' may not hold '.' or '..'");
                }
            }
            return root;
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
