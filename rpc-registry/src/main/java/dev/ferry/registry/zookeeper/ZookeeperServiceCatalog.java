package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.registry.metadata.ServiceMetadata;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lists what a ZooKeeper registry holds: every service with providers or published
 * metadata, its providers, and its methods. Entries that cannot be read are skipped with a
 * warning. A snapshot read on demand, for tools and dashboards; consumers follow providers
 * with {@link ZookeeperRegistry#subscribe} instead.
 */
public final class ZookeeperServiceCatalog {

    private static final Logger log = LoggerFactory.getLogger(ZookeeperServiceCatalog.class);
    private static final Comparator<ServiceKey> BY_KEY = Comparator.comparing(ServiceKey::interfaceName)
            .thenComparing(ServiceKey::group).thenComparing(ServiceKey::version);

    private final ZookeeperConnection zk;

    /** A catalog read over {@code connection}. */
    public ZookeeperServiceCatalog(ZookeeperConnection connection) {
        this.zk = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Every service found, sorted by interface, group and version.
     *
     * @throws IllegalStateException when ZooKeeper cannot be read
     */
    public List<ServiceListing> list() {
        ZookeeperPaths paths = zk.paths();
        // The same endpoint may be registered twice (two registrations); list it once.
        Map<ServiceKey, TreeSet<String>> providers = new TreeMap<>(BY_KEY);
        Map<ServiceKey, List<Endpoint>> found = new TreeMap<>(BY_KEY);
        for (String iface : children(paths.registryRoot())) {
            String interfaceName;
            try {
                interfaceName = ZookeeperPaths.value(iface);
            } catch (IllegalArgumentException e) {
                log.warn("skipping {}/{}: {}", paths.registryRoot(), ZookeeperRegistry.abbreviate(iface), e.getMessage());
                continue;
            }
            if (interfaceName.isBlank()) {
                continue;
            }
            String providersPath = paths.providersPath(interfaceName);
            for (String name : children(providersPath)) {
                try {
                    ProviderUrl url = ProviderUrl.parse(name);
                    if (!url.service().interfaceName().equals(interfaceName)) {
                        throw new IllegalArgumentException("it names interface " + url.service().interfaceName());
                    }
                    if (providers.computeIfAbsent(url.service(), k -> new TreeSet<>()).add(url.endpoint().toString())) {
                        found.computeIfAbsent(url.service(), k -> new ArrayList<>()).add(url.endpoint());
                    }
                } catch (IllegalArgumentException e) {
                    log.warn("skipping malformed provider entry '{}' under {}: {}", ZookeeperRegistry.abbreviate(name),
                            providersPath, e.getMessage());
                }
            }
        }
        Map<ServiceKey, ServiceMetadata> metadata = readMetadata(paths);
        metadata.keySet().forEach(k -> found.computeIfAbsent(k, x -> new ArrayList<>()));
        List<ServiceListing> out = new ArrayList<>();
        for (Map.Entry<ServiceKey, List<Endpoint>> e : found.entrySet()) {
            List<Endpoint> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparing(Endpoint::toString));
            out.add(new ServiceListing(e.getKey(), sorted, Optional.ofNullable(metadata.get(e.getKey()))));
        }
        return out;
    }

    private Map<ServiceKey, ServiceMetadata> readMetadata(ZookeeperPaths paths) {
        Map<ServiceKey, ServiceMetadata> out = new TreeMap<>(BY_KEY);
        String root = paths.servicesRoot();
        for (String iface : children(root)) {
            for (String group : children(root + "/" + iface)) {
                for (String version : children(root + "/" + iface + "/" + group)) {
                    String path = root + "/" + iface + "/" + group + "/" + version + "/metadata";
                    byte[] data = data(path);
                    if (data == null) {
                        continue;
                    }
                    try {
                        ServiceKey key = new ServiceKey(ZookeeperPaths.value(iface), ZookeeperPaths.value(group),
                                ZookeeperPaths.value(version));
                        ServiceMetadata md = ServiceMetadata.parse(data);
                        if (!md.service().equals(key)) {
                            throw new IllegalArgumentException("it describes " + md.service() + ", not " + key);
                        }
                        out.put(key, md);
                    } catch (IllegalArgumentException e) {
                        log.warn("skipping malformed metadata {}: {}", ZookeeperRegistry.abbreviate(path), e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    private List<String> children(String path) {
        CuratorFramework client = zk.client();
        try {
            List<String> c = new ArrayList<>(client.getChildren().forPath(path));
            c.sort(null);
            return c;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IllegalStateException("could not list " + path + ": " + e, e);
        }
    }

    private byte[] data(String path) {
        try {
            return zk.client().getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + path + ": " + e, e);
        }
    }
}
