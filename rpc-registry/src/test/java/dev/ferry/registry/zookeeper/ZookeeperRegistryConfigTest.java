package dev.ferry.registry.zookeeper;

import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.RuleKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZookeeperRegistryConfigTest {

    @Test
    void defaults() {
        ZookeeperRegistryConfig c = ZookeeperRegistryConfig.of("zk1:2181,zk2:2181/chroot");
        assertEquals("zk1:2181,zk2:2181/chroot", c.connectString());
        assertEquals(Duration.ofSeconds(30), c.sessionTimeout());
        assertEquals(Duration.ofSeconds(5), c.connectionTimeout());
        assertEquals("/dubbo", c.registryRoot());
        assertEquals("/ferry", c.ferryRoot());
        assertEquals("ferry", c.application());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ",", "zk1:2181,", "zk1:port", "zk1:0", "zk1:70000", "zk 1:2181", ":2181",
            "/chroot", "zk1:2181/", "zk1:2181//x", "zk1:2181/a/../b"})
    void malformedConnectStringsAreRefused(String s) {
        assertThrows(IllegalArgumentException.class, () -> ZookeeperRegistryConfig.of(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "dubbo", "/dubbo/", "//dubbo", "/a/./b", "/a/..", "/a\u0000b"})
    void malformedRootsAreRefused(String root) {
        assertThrows(IllegalArgumentException.class, () -> ZookeeperRegistryConfig.builder("h:1").registryRoot(root));
        assertThrows(IllegalArgumentException.class, () -> ZookeeperRegistryConfig.builder("h:1").ferryRoot(root));
    }

    @Test
    void otherSettingsAreChecked() {
        ZookeeperRegistryConfig.Builder b = ZookeeperRegistryConfig.builder("h:1");
        assertThrows(IllegalArgumentException.class, () -> b.sessionTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.connectionTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.application("my app"));
        assertThrows(IllegalArgumentException.class, () -> b.application(""));
        assertThrows(IllegalArgumentException.class, () -> ZookeeperRegistryConfig.builder("h:1").registryRoot("/x").ferryRoot("/x").build());
        assertThrows(NullPointerException.class, () -> ZookeeperRegistryConfig.of(null));
    }

    @Test
    void pathsFollowTheDocumentedLayout() {
        ZookeeperPaths p = ZookeeperPaths.of(ZookeeperRegistryConfig.of("h:1"));
        ServiceKey key = new ServiceKey("a.Greeter", "", "1.0");
        assertEquals("/dubbo/a.Greeter/providers", p.providersPath("a.Greeter"));
        assertEquals("/ferry/services/a.Greeter/~/1.0/metadata", p.metadataPath(key));
        assertEquals("/ferry/services/a.Greeter/~/1.0/routers/tag", p.rulePath(key, RuleKind.TAG));
        assertEquals("/ferry/services/a.Greeter/~/1.0/routers/condition", p.rulePath(key, RuleKind.CONDITION));
        assertEquals("/ferry/services/a.Greeter/~/1.0/overrides/10.0.0.7%3A20880", p.overridePath(key, "10.0.0.7:20880"));
    }

    @Test
    void segmentsRoundTripAndNeverFormDotNames() {
        for (String v : new String[]{"", "~", ".", "..", "a/b", "ü ?&", "%", "*"}) {
            String s = ZookeeperPaths.segment(v);
            assertEquals(v, ZookeeperPaths.value(s), v);
            assertEquals(-1, s.indexOf('/'), s);
            assertTrue(!s.isEmpty() && !s.equals(".") && !s.equals(".."), s);
        }
        assertEquals("~", ZookeeperPaths.segment(""));
        assertThrows(IllegalArgumentException.class, () -> ZookeeperPaths.value("%zz"));
    }
}
