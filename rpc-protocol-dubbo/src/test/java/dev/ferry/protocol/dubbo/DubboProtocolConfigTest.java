package dev.ferry.protocol.dubbo;

import dev.ferry.api.spi.Protocol;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.extension.ExtensionRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DubboProtocolConfigTest {

    @Test
    void defaults() {
        DubboProtocolConfig c = DubboProtocolConfig.defaults();
        assertEquals("0.0.0.0", c.host());
        assertEquals(20880, c.port());
        assertEquals(DubboCodec.DEFAULT_PAYLOAD_LIMIT, c.payloadLimit());
        assertEquals(200, c.businessThreads());
        assertEquals(0, c.businessQueue());
        assertEquals(Duration.ofSeconds(3), c.connectTimeout());
        assertEquals(1, c.connections());
        assertEquals(Duration.ofSeconds(60), c.heartbeatInterval());
        assertEquals(Duration.ofSeconds(2), c.reconnectInterval());
        assertEquals(Duration.ofSeconds(30), c.maxReconnectInterval());
        assertTrue(c.ioThreads() >= 1);
        assertTrue(!c.advertisedHost().equals("0.0.0.0"), "the wildcard is never advertised");
    }

    @Test
    void loopbackBindAdvertisesLoopback() {
        assertEquals("127.0.0.1", DubboProtocolConfig.builder().host("127.0.0.1").build().advertisedHost());
        assertEquals("127.0.0.1", DubboProtocolConfig.builder().host("localhost").build().advertisedHost());
        assertEquals("10.1.2.3", DubboProtocolConfig.builder().host("127.0.0.1").advertisedHost("10.1.2.3").build()
                .advertisedHost());
    }

    @Test
    void rejectsNonsenseWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().port(70000));
        assertTrue(e.getMessage().contains("70000"));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().port(-1));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().payloadLimit(0));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().ioThreads(0));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().businessThreads(-3));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().businessQueue(-1));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().connectTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().connectTimeout(null));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().host(" "));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().host("dubbo://x"));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().shutdownTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void connectionsAndReconnectBackoffAreChecked() {
        assertEquals(4, DubboProtocolConfig.builder().connections(4).build().connections());
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().connections(0));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().connections(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DubboProtocolConfig.builder().connections(100_000));
        assertTrue(e.getMessage().contains("100000"));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().maxReconnectInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> DubboProtocolConfig.builder().maxReconnectInterval(null));
        assertThrows(IllegalArgumentException.class,
                () -> DubboProtocolConfig.builder().maxReconnectInterval(Duration.ofMillis(-5)));
        // A cap below the first interval is raised to it rather than inverting the backoff.
        DubboProtocolConfig c = DubboProtocolConfig.builder().reconnectInterval(Duration.ofSeconds(5))
                .maxReconnectInterval(Duration.ofSeconds(1)).build();
        assertEquals(Duration.ofSeconds(5), c.maxReconnectInterval());
        assertEquals(c.connections(), c.toBuilder().build().connections());
        assertEquals(c.maxReconnectInterval(), c.toBuilder().build().maxReconnectInterval());
    }

    @Test
    void isFoundByNameThroughServiceLoader() {
        Protocol p = new ExtensionRegistry(getClass().getClassLoader()).get(Protocol.class, "dubbo");
        try {
            assertInstanceOf(DubboProtocol.class, p);
            assertEquals(20880, ((DubboProtocol) p).config().port());
        } finally {
            p.close();
        }
    }
}
