package dev.ferry.protocol.rocketmq;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings are checked when built; nonsense is refused with a message naming the setting. */
class RocketMqProtocolConfigTest {

    @Test
    void defaults() {
        RocketMqProtocolConfig c = RocketMqProtocolConfig.of("10.0.0.5:9876;10.0.0.6:9876");
        assertEquals(4, c.queuesPerTopic());
        assertEquals(16, c.consumeThreads());
        assertEquals(4 * 1024 * 1024, c.payloadLimit());
        assertTrue(c.createTopics());
        assertEquals(Duration.ofSeconds(5), c.discoveryInterval());
        assertEquals(10_000, c.recentRequests());
        assertEquals(64L * 1024 * 1024, c.recentReplyBytes());
        assertEquals(Duration.ofSeconds(5), c.shutdownWait());
        assertEquals("10.0.0.5:9876", c.firstNameServer());
        assertEquals(c, c.toBuilder().build());
        assertFalse(c.toBuilder().createTopics(false).build().createTopics());
        assertTrue(c.binaryHeaders());
        assertFalse(c.toBuilder().binaryHeaders(false).build().toBuilder().build().binaryHeaders());
        assertEquals(Duration.ofMillis(5), c.busyPullPause());
        assertEquals(Duration.ZERO, c.toBuilder().busyPullPause(Duration.ZERO).build().toBuilder().build().busyPullPause());
        assertEquals(0, c.sendsInFlight());
        assertEquals(3, c.toBuilder().sendsInFlight(3).build().toBuilder().build().sendsInFlight());
    }

    @Test
    void hostileNameServerAddressesAreRefused() {
        for (String bad : new String[] {"", " ", "host", "host:", ":9876", "host:port", "host:0", "host:65536",
                "host:-1", "a:1;", ";a:1", "a:1;;b:2", "ho st:1", "host/x:1", "host:1\n", "h\u0000:1",
                "host:99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RocketMqProtocolConfig.of(bad), bad);
            assertTrue(e.getMessage().contains("NameServer"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> RocketMqProtocolConfig.of(null));
        assertEquals("[::1]:9876", RocketMqProtocolConfig.of("[::1]:9876").nameServer());
    }

    @Test
    void outOfRangeNumbersAreRefused() {
        RocketMqProtocolConfig.Builder b = RocketMqProtocolConfig.builder("127.0.0.1:9876");
        assertRefused(() -> b.queuesPerTopic(0).build(), "queuesPerTopic");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").queuesPerTopic(1025).build(), "queuesPerTopic");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").consumeThreads(0).build(), "consumeThreads");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").payloadLimit(1023).build(), "payloadLimit");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").discoveryInterval(Duration.ofMillis(99)).build(),
                "discoveryInterval");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").discoveryInterval(Duration.ofHours(1)).build(),
                "discoveryInterval");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").recentRequests(-1).build(), "recentRequests");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").recentReplyBytes(-1).build(), "recentReplyBytes");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").shutdownWait(Duration.ofSeconds(-1)).build(),
                "shutdownWait");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").busyPullPause(Duration.ofMillis(-1)).build(),
                "busyPullPause");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").sendsInFlight(-1).build(), "sendsInFlight");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").sendsInFlight(10_001).build(), "sendsInFlight");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").busyPullPause(Duration.ofMillis(1001)).build(),
                "busyPullPause");
        assertRefused(() -> RocketMqProtocolConfig.builder("127.0.0.1:9876").busyPullPause(Duration.ofNanos(1_500_000)).build(),
                "busyPullPause");
        assertThrows(NullPointerException.class, () -> RocketMqProtocolConfig.builder("127.0.0.1:9876").discoveryInterval(null).build());
        assertThrows(NullPointerException.class, () -> RocketMqProtocolConfig.builder("127.0.0.1:9876").busyPullPause(null).build());
        assertEquals(0, RocketMqProtocolConfig.builder("127.0.0.1:9876").recentRequests(0).build().recentRequests(),
                "0 turns the memory of recent requests off");
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable build, String setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }
}
