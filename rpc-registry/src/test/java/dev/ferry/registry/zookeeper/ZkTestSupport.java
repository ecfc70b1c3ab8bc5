package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.spi.Registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Configuration and listeners shared by the ZooKeeper tests. */
final class ZkTestSupport {

    private static final AtomicInteger TEST_ROOTS = new AtomicInteger();

    private ZkTestSupport() {
    }

    /** A configuration whose roots no other test uses, so tests sharing a server never meet. */
    static ZookeeperRegistryConfig isolated(String connectString) {
        int n = TEST_ROOTS.incrementAndGet();
        String base = "/t" + ProcessHandle.current().pid() + "-" + n;
        return ZookeeperRegistryConfig.builder(connectString)
                .registryRoot(base + "/dubbo")
                .ferryRoot(base + "/ferry")
                .sessionTimeout(Duration.ofSeconds(20))
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** The same roots as {@code like}, for another client of the same ensemble. */
    static ZookeeperRegistryConfig sameRoots(ZookeeperRegistryConfig like, String connectString) {
        return ZookeeperRegistryConfig.builder(connectString)
                .registryRoot(like.registryRoot())
                .ferryRoot(like.ferryRoot())
                .sessionTimeout(like.sessionTimeout())
                .connectionTimeout(like.connectionTimeout())
                .build();
    }

    /** The endpoint without the registration time a ZooKeeper registry adds. */
    static Endpoint registered(Endpoint delivered) {
        Map<String, String> params = new TreeMap<>(delivered.parameters());
        params.remove(ProviderUrl.TIMESTAMP);
        return new Endpoint(delivered.protocol(), delivered.host(), delivered.port(), params);
    }

    /**
     * Records every list a registry delivers: {@link #raw} as delivered, {@link #seen} with
     * the registration times taken out, to compare with the registered endpoints.
     */
    static final class Recorder implements Registry.Listener {
        final List<List<Endpoint>> raw = new CopyOnWriteArrayList<>();
        final List<List<Endpoint>> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onChange(List<Endpoint> endpoints) {
            raw.add(endpoints);
            seen.add(endpoints.stream().map(ZkTestSupport::registered).toList());
        }

        List<Endpoint> last() {
            return seen.isEmpty() ? null : seen.get(seen.size() - 1);
        }

        Set<Endpoint> lastAsSet() {
            List<Endpoint> l = last();
            return l == null ? null : Set.copyOf(l);
        }
    }
}
