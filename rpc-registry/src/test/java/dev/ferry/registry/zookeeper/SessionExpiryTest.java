package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.RuleKind;
import dev.ferry.registry.zookeeper.ZkTestSupport.Recorder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** A ZooKeeper session ends on the server; providers and consumers carry on without a restart. */
class SessionExpiryTest extends ZookeeperServerTest {

    private static final ServiceKey KEY = new ServiceKey("a.b.Echo", "", "1.0");

    @Test
    void aProviderReRegistersAfterItsSessionExpires() throws Exception {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        assertEquals(List.of(a), seen.last());

        CuratorFramework client = provider.connection().client();
        String entry = provider.connection().paths().providersPath(KEY.interfaceName()) + "/"
                + client.getChildren().forPath(provider.connection().paths().providersPath(KEY.interfaceName())).get(0);
        long before = Sessions.expire(client, server.getConnectString());

        // The server deleted the entry with the session; the provider writes it again under a new one.
        AtomicReference<Stat> stat = new AtomicReference<>();
        Await.until("the entry is back, owned by a new session", () -> {
            try {
                Stat s = consumer.connection().client().checkExists().forPath(entry);
                stat.set(s);
                return s != null && s.getEphemeralOwner() != before;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(Sessions.id(client), stat.get().getEphemeralOwner());
        assertNotEquals(before, stat.get().getEphemeralOwner());
        Await.equal("the consumer lists the provider again", List.of(a), seen::last);

        // And the provider's registry keeps working in the new session.
        Endpoint b = new Endpoint("dubbo", "10.0.0.2", 20880);
        provider.register(KEY, b);
        Await.equal("a new registration arrives", Set.of(a, b), seen::lastAsSet);
    }

    @Test
    void aConsumerFollowsChangesAfterItsSessionExpires() throws Exception {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        assertEquals(List.of(a), seen.last());

        CuratorFramework client = consumer.connection().client();
        long before = Sessions.expire(client, server.getConnectString());
        Await.until("the consumer has a new session", () -> {
            try {
                return client.getZookeeperClient().isConnected() && Sessions.id(client) != before;
            } catch (Exception e) {
                return false;
            }
        });

        Endpoint b = new Endpoint("dubbo", "10.0.0.2", 20880);
        provider.register(KEY, b);
        Await.equal("an addition after the expiry arrives", Set.of(a, b), seen::lastAsSet);
        provider.unregister(KEY, a);
        Await.equal("a removal after the expiry arrives", List.of(b), seen::last);
    }

    @Test
    void ruleWatchesSurviveTheirSessionExpiring() throws Exception {
        ZookeeperRegistry consumer = registry();
        ZookeeperConfigStore ops = new ZookeeperConfigStore(registry().connection());
        List<String> rules = new CopyOnWriteArrayList<>();
        consumer.dynamicConfiguration().watchRule(KEY, RuleKind.TAG, rules::add);
        ops.putRule(KEY, RuleKind.TAG, "before");
        Await.equal("first rule", List.of("", "before"), () -> List.copyOf(rules));

        CuratorFramework client = consumer.connection().client();
        long before = Sessions.expire(client, server.getConnectString());
        Await.until("new session", () -> {
            try {
                return client.getZookeeperClient().isConnected() && Sessions.id(client) != before;
            } catch (Exception e) {
                return false;
            }
        });
        ops.putRule(KEY, RuleKind.TAG, "after");
        Await.equal("rule changed after the expiry", "after", () -> rules.get(rules.size() - 1));
    }
}
