package dev.ferry.registry.zookeeper;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.RuleKind;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where everything lives in ZooKeeper. With the default roots:
 *
 * <pre>
 * /dubbo/&lt;interface&gt;/providers/&lt;URL-encoded provider URL&gt;        ephemeral, one per exported instance
 *                                                                 (Apache Dubbo's interface-level layout)
 * /ferry/services/&lt;interface&gt;/&lt;group&gt;/&lt;version&gt;/metadata           methods with parameter and return types
 * /ferry/services/&lt;interface&gt;/&lt;group&gt;/&lt;version&gt;/routers/tag        tag router rule (text)
 * /ferry/services/&lt;interface&gt;/&lt;group&gt;/&lt;version&gt;/routers/condition  condition router rule (text)
 * /ferry/services/&lt;interface&gt;/&lt;group&gt;/&lt;version&gt;/overrides/&lt;host:port&gt;   weight / disabled of one instance
 * </pre>
 *
 * <p>Every name segment is URL-encoded (UTF-8, as {@link URLEncoder}); an empty group or
 * version is written {@code ~}, a character URL encoding never produces. The provider entry
 * is described by {@link ProviderUrl}.
 */
public final class ZookeeperPaths {

    /** The segment standing for an empty group or version. */
    public static final String EMPTY_SEGMENT = "~";

    private final String registryRoot;
    private final String ferryRoot;

    public ZookeeperPaths(String registryRoot, String ferryRoot) {
        this.registryRoot = Objects.requireNonNull(registryRoot, "registryRoot");
        this.ferryRoot = Objects.requireNonNull(ferryRoot, "ferryRoot");
    }

    /** The paths a configuration's roots give. */
    public static ZookeeperPaths of(ZookeeperRegistryConfig config) {
        return new ZookeeperPaths(config.registryRoot(), config.ferryRoot());
    }

    /** The root holding one child per service interface. */
    public String registryRoot() {
        return registryRoot;
    }

    /** {@code <registryRoot>/<interface>/providers}. */
    public String providersPath(String interfaceName) {
        return registryRoot + "/" + segment(interfaceName) + "/providers";
    }

    /** The ephemeral node of one provider instance. */
    public String providerPath(ProviderUrl url) {
        return providersPath(url.service().interfaceName()) + "/" + url.toNodeName();
    }

    /** {@code <ferryRoot>/services}: one child per interface. */
    public String servicesRoot() {
        return ferryRoot + "/services";
    }

    /** {@code <ferryRoot>/services/<interface>/<group>/<version>}. */
    public String servicePath(ServiceKey key) {
        return servicesRoot() + "/" + segment(key.interfaceName()) + "/" + segment(key.group()) + "/" + segment(key.version());
    }

    public String metadataPath(ServiceKey key) {
        return servicePath(key) + "/metadata";
    }

    public String rulePath(ServiceKey key, RuleKind kind) {
        return servicePath(key) + "/routers/" + kind.nodeName();
    }

    public String overridesPath(ServiceKey key) {
        return servicePath(key) + "/overrides";
    }

    /** The override node of the instance at {@code address} ({@code host:port}). */
    public String overridePath(ServiceKey key, String address) {
        return overridesPath(key) + "/" + segment(address);
    }

    /** One path segment for {@code value}: URL-encoded, {@code ~} when empty. */
    public static String segment(String value) {
        if (value.isEmpty()) {
            return EMPTY_SEGMENT;
        }
        String s = URLEncoder.encode(value, StandardCharsets.UTF_8);
        // ZooKeeper refuses the segments "." and "..".
        return s.equals(".") || s.equals("..") ? s.replace(".", "%2E") : s;
    }

    /**
     * The value a segment stands for.
     *
     * @throws IllegalArgumentException when the segment is not URL-encoded text
     */
    public static String value(String segment) {
        if (segment.equals(EMPTY_SEGMENT)) {
            return "";
        }
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed escape in '" + segment + "'", e);
        }
    }
}
