package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.registry.config.InstanceOverride;
import dev.ferry.registry.zookeeper.ZkTestSupport.Recorder;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry against a real ZooKeeper server, without the rest of Ferry. */
class ZookeeperRegistryTest extends ZookeeperServerTest {

    private static final ServiceKey KEY = new ServiceKey("a.b.Echo", "", "1.0");

    @Test
    void consumersSeeProvidersComeAndGo() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        assertEquals(List.of(), seen.last(), "an empty service is delivered at once, as an empty list");

        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        Endpoint b = new Endpoint("dubbo", "10.0.0.2", 20880, Map.of("weight", "50"));
        long t0 = System.nanoTime();
        provider.register(KEY, a);
        Await.equal("a appears", Set.of(a), seen::lastAsSet);
        long addition = System.nanoTime() - t0;
        provider.register(KEY, b);
        Await.equal("b appears", Set.of(a, b), seen::lastAsSet);
        t0 = System.nanoTime();
        provider.unregister(KEY, a);
        Await.equal("a leaves", Set.of(b), seen::lastAsSet);
        long removal = System.nanoTime() - t0;
        System.out.printf("registry change seen by the consumer after %d ms (addition), %d ms (removal)%n",
                addition / 1_000_000, removal / 1_000_000);

        provider.close(); // its session ends: every entry it wrote goes with it
        Await.equal("closing the provider's registry withdraws its entries", List.of(), seen::last);
        for (int i = 1; i < seen.seen.size(); i++) {
            assertTrue(!seen.seen.get(i).equals(seen.seen.get(i - 1)), "the same list is never delivered twice in a row");
        }
    }

    @Test
    void aSubscriberJoiningLaterGetsTheCurrentListAtOnce() {
        ZookeeperRegistry provider = registry();
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        ZookeeperRegistry consumer = registry();
        Recorder first = new Recorder();
        consumer.subscribe(KEY, first);
        assertEquals(List.of(a), first.last(), "subscribe waits for the first read");
        Recorder second = new Recorder();
        consumer.subscribe(KEY, second);
        assertEquals(List.of(List.of(a)), second.seen);
    }

    @Test
    void endpointsArriveExactlyAsRegistered() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Endpoint ep = new Endpoint("dubbo", "::1", 20880, Map.of("weight", "7", "tag", "gray", "zone", "eu west/1"));
        provider.register(KEY, ep);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        assertEquals(List.of(ep), seen.last());
        // Consumers also learn when the instance registered: weighted balancers count warm-up from it.
        long registeredAt = Long.parseLong(seen.raw.get(0).get(0).parameter(ProviderUrl.TIMESTAMP, "0"));
        assertTrue(registeredAt > System.currentTimeMillis() - 60_000 && registeredAt <= System.currentTimeMillis(),
                "timestamp " + registeredAt);

        // An endpoint that names its own start time arrives exactly as exported.
        Endpoint started = new Endpoint("dubbo", "10.0.0.9", 20880, Map.of("timestamp", "1700000000000"));
        provider.register(KEY, started);
        Await.until("second endpoint", () -> seen.raw.get(seen.raw.size() - 1).contains(started));
    }

    @Test
    void otherGroupsAndVersionsOfTheInterfaceAreNotDelivered() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Endpoint v1 = new Endpoint("dubbo", "10.0.0.1", 1);
        Endpoint v2 = new Endpoint("dubbo", "10.0.0.2", 2);
        Endpoint grouped = new Endpoint("dubbo", "10.0.0.3", 3);
        provider.register(KEY, v1);
        provider.register(new ServiceKey(KEY.interfaceName(), "", "2.0"), v2);
        provider.register(new ServiceKey(KEY.interfaceName(), "blue", "1.0"), grouped);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        Recorder blue = new Recorder();
        consumer.subscribe(new ServiceKey(KEY.interfaceName(), "blue", "1.0"), blue);
        assertEquals(List.of(v1), seen.last());
        assertEquals(List.of(grouped), blue.last());
    }

    @Test
    void overridesChangeWeightsAndTakeInstancesOutOfRotation() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        ZookeeperConfigStore ops = new ZookeeperConfigStore(consumer.connection());
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        Endpoint b = new Endpoint("dubbo", "10.0.0.2", 20880, Map.of("weight", "50"));
        provider.register(KEY, a);
        provider.register(KEY, b);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        Await.equal("both", Set.of(a, b), seen::lastAsSet);

        long t0 = System.nanoTime();
        ops.putOverride(KEY, b.address(), InstanceOverride.weight(5));
        Await.equal("b's weight overridden", Set.of(a, b.withParameter("weight", "5")), seen::lastAsSet);
        System.out.printf("weight override seen by the consumer after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        ops.putOverride(KEY, a.address(), InstanceOverride.disable());
        Await.equal("a disabled", Set.of(b.withParameter("weight", "5")), seen::lastAsSet);
        ops.removeOverride(KEY, a.address());
        ops.removeOverride(KEY, b.address());
        Await.equal("back to what was registered", Set.of(a, b), seen::lastAsSet);
        // An override of another version does not apply here.
        ops.putOverride(new ServiceKey(KEY.interfaceName(), "", "2.0"), a.address(), InstanceOverride.disable());
        provider.register(KEY, new Endpoint("dubbo", "10.0.0.9", 1));
        Await.equal("other version's override ignored", Set.of(a, b, new Endpoint("dubbo", "10.0.0.9", 1)), seen::lastAsSet);
    }

    @Test
    void malformedEntriesAreSkippedWithOneWarningAndNeverHideValidOnes() throws Exception {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        CuratorFramework raw = provider.connection().client();
        String providers = provider.connection().paths().providersPath(KEY.interfaceName());
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        String valid = provider.connection().paths().providerPath(new ProviderUrl(KEY, new Endpoint("dubbo", "10.0.0.2", 1),
                "", List.of(), List.of(), 1));
        List<String> garbage = List.of("garbage", "dubbo%3A%2F%2Fhost%3Aport%2Fa.b.Echo", "%zz%",
                URLEncoder.encode("dubbo://10.0.0.3:1/a.b.Echo?version=1.0&version=2.0", StandardCharsets.UTF_8),
                "x".repeat(ProviderUrl.MAX_NODE_NAME_LENGTH + 10));
        try (LogCapture log = new LogCapture()) {
            for (String name : garbage) {
                raw.create().creatingParentsIfNeeded().forPath(providers + "/" + name, "junk".getBytes(StandardCharsets.UTF_8));
            }
            // A valid name with binary rubbish as data, and a child under an entry: neither matters.
            raw.create().forPath(valid, new byte[]{0, (byte) 0xff, 0x13, 0x37});
            raw.create().forPath(valid + "/child", "junk".getBytes(StandardCharsets.UTF_8));
            // An override whose data is not an override is ignored, not applied.
            new ZookeeperConfigStore(provider.connection()).putOverride(KEY, a.address(),
                    InstanceOverride.disable());
            raw.setData().forPath(provider.connection().paths().overridePath(KEY, a.address()),
                    "disabled=perhaps".getBytes(StandardCharsets.UTF_8));

            Recorder seen = new Recorder();
            consumer.subscribe(KEY, seen);
            Endpoint fromValid = new Endpoint("dubbo", "10.0.0.2", 1);
            Await.equal("only the valid entries", Set.of(a, fromValid), seen::lastAsSet);

            Endpoint c = new Endpoint("dubbo", "10.0.0.4", 1);
            provider.register(KEY, c); // another refresh: the bad entries are not warned about again
            Await.equal("later changes still arrive", Set.of(a, fromValid, c), seen::lastAsSet);

            assertEquals(1, log.count("skipping malformed provider entry 'garbage'"), log.text());
            assertEquals(1, log.count("skipping malformed provider entry '%zz%'"), log.text());
            assertEquals(garbage.size(), log.count("skipping malformed provider entry"), log.text());
            assertEquals(1, log.count("ignoring malformed override"), log.text());
        }
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        consumer.subscribe(KEY, eps -> {
            throw new IllegalStateException("listener bug");
        });
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        Await.equal("still delivered", List.of(a), seen::last);
    }

    @Test
    void unsubscribedListenersHearNothingMore() {
        ZookeeperRegistry provider = registry();
        ZookeeperRegistry consumer = registry();
        Recorder gone = new Recorder();
        Recorder stays = new Recorder();
        consumer.subscribe(KEY, gone);
        consumer.subscribe(KEY, stays);
        consumer.unsubscribe(KEY, gone);
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        Await.equal("the other one hears", List.of(a), stays::last);
        assertEquals(List.of(List.of()), gone.seen);
        consumer.unsubscribe(KEY, stays);
        consumer.unsubscribe(KEY, stays); // twice: nothing happens
        Recorder again = new Recorder();
        consumer.subscribe(KEY, again); // a fresh subscription after the last one left
        assertEquals(List.of(a), again.last());
    }

    @Test
    void registeringTwiceWritesOneEntryAndUnregisteringDeletesIt() throws Exception {
        ZookeeperRegistry provider = registry();
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        provider.register(KEY, a);
        String providers = provider.connection().paths().providersPath(KEY.interfaceName());
        CuratorFramework raw = provider.connection().client();
        List<String> children = raw.getChildren().forPath(providers);
        assertEquals(1, children.size(), children.toString());
        assertEquals(a, ProviderUrl.parse(children.get(0)).endpoint());
        assertTrue(raw.checkExists().forPath(providers + "/" + children.get(0)).getEphemeralOwner() != 0,
                "the entry is ephemeral");
        provider.unregister(KEY, a);
        Await.until("entry deleted", () -> childrenOf(raw, providers).isEmpty());
        provider.unregister(KEY, a); // unknown now: nothing happens
    }

    @Test
    void endpointsThatCannotBeWrittenAreRefusedAtRegistration() {
        ZookeeperRegistry provider = registry();
        assertThrows(IllegalArgumentException.class,
                () -> provider.register(KEY, new Endpoint("dubbo", "h", 1, Map.of("interface", "x"))));
        assertThrows(IllegalArgumentException.class, () -> provider.register(KEY, new Endpoint("dubbo", "bad/host", 1)));
    }

    @Test
    void aClosedRegistryRefusesWork() {
        ZookeeperRegistry r = registry();
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.register(KEY, new Endpoint("dubbo", "h", 1)));
        assertThrows(IllegalStateException.class, () -> r.subscribe(KEY, eps -> { }));
    }

    @Test
    void registriesOnASharedConnectionLeaveItOpen() {
        ZookeeperConnection shared = ZookeeperConnection.open(config);
        closeAfter(shared);
        ZookeeperRegistry provider = ZookeeperRegistry.on(shared);
        ZookeeperRegistry consumer = registry();
        Endpoint a = new Endpoint("dubbo", "10.0.0.1", 20880);
        provider.register(KEY, a);
        Recorder seen = new Recorder();
        consumer.subscribe(KEY, seen);
        assertEquals(List.of(a), seen.last());

        provider.close(); // withdraws its entries, keeps the connection
        Await.equal("entry withdrawn", List.of(), seen::last);
        assertTrue(shared.isConnected());
        ZookeeperRegistry again = ZookeeperRegistry.on(shared);
        again.register(KEY, a);
        Await.equal("a second registry on the same connection works", List.of(a), seen::last);
        again.close();
    }

    @Test
    void anUnreachableEnsembleFailsTheConnectionClearly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        ZookeeperRegistryConfig nowhere = ZookeeperRegistryConfig.builder("127.0.0.1:" + port)
                .connectionTimeout(Duration.ofMillis(500)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZookeeperRegistry.connect(nowhere));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void overrideAddressesAreChecked() {
        ZookeeperConfigStore ops = new ZookeeperConfigStore(registry().connection());
        for (String bad : List.of("", "host", "host:", "host:0", "host:1/x", "host:1?a=b", "dubbo://host:1", "host:99999")) {
            assertThrows(IllegalArgumentException.class, () -> ops.putOverride(KEY, bad, InstanceOverride.disable()), bad);
        }
    }

    private static List<String> childrenOf(CuratorFramework raw, String path) {
        try {
            return raw.getChildren().forPath(path);
        } catch (Exception e) {
            return List.of();
        }
    }
}
