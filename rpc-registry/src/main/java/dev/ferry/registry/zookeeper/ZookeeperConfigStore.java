package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.registry.config.InstanceOverride;
import dev.ferry.api.spi.RuleKind;
import org.apache.zookeeper.KeeperException;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's side of dynamic configuration: writes router rules and instance overrides
 * where {@link ZookeeperDynamicConfiguration} and {@link ZookeeperRegistry} consumers watch
 * them. Every method blocks until ZooKeeper has the change (Curator retries a lost
 * connection a few times) and throws {@link IllegalStateException} when it cannot.
 */
public final class ZookeeperConfigStore {

    /** Largest rule accepted, in bytes: ZooKeeper's default node limit is 1 MiB. */
    public static final int MAX_RULE_BYTES = 512 * 1024;

    private final ZookeeperConnection zk;

    /** A store writing over {@code connection}. */
    public ZookeeperConfigStore(ZookeeperConnection connection) {
        this.zk = Objects.requireNonNull(connection, "connection");
    }

    /** Sets the rule of {@code kind} for {@code service}; consumers apply it on their next notification. */
    public void putRule(ServiceKey service, RuleKind kind, String rule) {
        Objects.requireNonNull(rule, "rule");
        byte[] data = rule.getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_RULE_BYTES) {
            throw new IllegalArgumentException("rule of " + data.length + " bytes is longer than " + MAX_RULE_BYTES);
        }
        write(zk.paths().rulePath(service, kind), data);
    }

    /** The rule of {@code kind} for {@code service}, if one is set. */
    public Optional<String> rule(ServiceKey service, RuleKind kind) {
        return read(zk.paths().rulePath(service, kind)).map(d -> new String(d, StandardCharsets.UTF_8));
    }

    /** Removes the rule; removing an absent rule does nothing. */
    public void removeRule(ServiceKey service, RuleKind kind) {
        delete(zk.paths().rulePath(service, kind));
    }

    /**
     * Overrides the instance of {@code service} at {@code address} ({@code host:port}, as
     * {@link Endpoint#address()} writes it).
     *
     * @throws IllegalArgumentException when the address is not {@code host:port}
     */
    public void putOverride(ServiceKey service, String address, InstanceOverride override) {
        Objects.requireNonNull(override, "override");
        write(zk.paths().overridePath(service, checkAddress(address)), override.encode());
    }

    /** Removes the override of the instance at {@code address}; removing an absent one does nothing. */
    public void removeOverride(ServiceKey service, String address) {
        delete(zk.paths().overridePath(service, checkAddress(address)));
    }

    private void write(String path, byte[] data) {
        try {
            zk.client().create().orSetData().creatingParentsIfNeeded().forPath(path, data);
        } catch (Exception e) {
            throw new IllegalStateException("could not write " + path + ": " + e, e);
        }
    }

    private Optional<byte[]> read(String path) {
        try {
            return Optional.ofNullable(zk.client().getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + path + ": " + e, e);
        }
    }

    private void delete(String path) {
        try {
            zk.client().delete().quietly().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete " + path + ": " + e, e);
        }
    }

    static String checkAddress(String address) {
        Objects.requireNonNull(address, "address");
        Endpoint parsed;
        try {
            parsed = Endpoint.parse("x://" + address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("instance address '" + address + "' is not host:port: " + e.getMessage());
        }
        if (parsed.port() == 0 || !parsed.parameters().isEmpty() || !parsed.address().equals(address)) {
            throw new IllegalArgumentException("instance address '" + address + "' is not host:port");
        }
        return address;
    }
}
