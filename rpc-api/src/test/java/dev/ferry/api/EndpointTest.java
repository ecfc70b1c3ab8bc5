package dev.ferry.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {

    @Test
    void parsesProtocolHostPortAndParameters() {
        Endpoint e = Endpoint.parse("dubbo://10.0.0.7:20880?weight=200&tag=gray");
        assertEquals("dubbo", e.protocol());
        assertEquals("10.0.0.7", e.host());
        assertEquals(20880, e.port());
        assertEquals(Map.of("weight", "200", "tag", "gray"), e.parameters());
        assertEquals(e, Endpoint.parse(e.toString()));
    }

    @Test
    void parsesIpv6AndEscapedParameters() {
        Endpoint e = Endpoint.parse("dubbo://[::1]:1234?note=a%26b%3Dc");
        assertEquals("::1", e.host());
        assertEquals(1234, e.port());
        assertEquals("a&b=c", e.parameter("note", ""));
        assertEquals("[::1]:1234", e.address());
        assertEquals(e, Endpoint.parse(e.toString()));
    }

    @Test
    void portIsOptionalAndPathIsIgnored() {
        Endpoint e = Endpoint.parse("rocketmq://nameserver/some/path");
        assertEquals("nameserver", e.host());
        assertEquals(0, e.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "127.0.0.1:20880", "://host:1", "dubbo://", "dubbo://:20880",
            "dubbo://host:abc", "dubbo://host:70000", "dubbo://host:-1", "dubbo://host:1?novalue",
            "dubbo://host:1?=x", "dubbo://[::1:1", "du bbo://host:1", "dubbo://host:1?k=%zz",
            "dubbo://host:99999999999999999999"})
    void rejectsMalformedTextWithAClearMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
        assertTrue(e.getMessage().contains("endpoint") || e.getMessage().contains("protocol"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(NullPointerException.class, () -> Endpoint.parse(null));
    }

    @Test
    void parametersAreImmutableCopies() {
        Endpoint e = new Endpoint("dubbo", "h", 1).withParameter("k", "v");
        Endpoint f = e.withParameter("k2", "v2");
        assertNotSame(e.parameters(), f.parameters());
        assertThrows(UnsupportedOperationException.class, () -> f.parameters().put("x", "y"));
        assertEquals(1, e.parameters().size());
    }

    @Test
    void serviceKeyFormsDubboStyleName() {
        assertEquals("g/a.B:1.0", new ServiceKey("a.B", "g", "1.0").toString());
        assertEquals("a.B", new ServiceKey("a.B", null, null).toString());
        assertThrows(IllegalArgumentException.class, () -> new ServiceKey(" ", "", ""));
    }

    @Test
    void callOptionsAreTypedAndImmutable() {
        CallOptions base = CallOptions.DEFAULT;
        CallOptions changed = base.with(CallOptions.TIMEOUT, Duration.ofMillis(250)).with(CallOptions.RETRIES, 0);
        assertEquals(Duration.ofSeconds(3), base.timeout());
        assertEquals(Duration.ofMillis(250), changed.timeout());
        assertEquals(0, changed.get(CallOptions.RETRIES));
        CallOptions.Key<String> own = CallOptions.Key.of("own", "fallback");
        assertEquals("fallback", changed.get(own));
        assertEquals("set", changed.with(own, "set").get(own));
        assertEquals(Duration.ofSeconds(3), changed.with(CallOptions.TIMEOUT, null).timeout());
    }

    @Test
    void rpcExceptionCodesMatchDubboStatuses() {
        assertEquals(30, RpcException.Code.CLIENT_TIMEOUT.status());
        assertEquals(31, RpcException.Code.SERVER_TIMEOUT.status());
        assertEquals(40, RpcException.Code.BAD_REQUEST.status());
        assertEquals(50, RpcException.Code.BAD_RESPONSE.status());
        assertEquals(60, RpcException.Code.SERVICE_NOT_FOUND.status());
        assertEquals(70, RpcException.Code.SERVICE_ERROR.status());
        assertEquals(80, RpcException.Code.SERVER_ERROR.status());
        assertEquals(90, RpcException.Code.CLIENT_ERROR.status());
        assertEquals(100, RpcException.Code.THREADPOOL_EXHAUSTED.status());
        for (RpcException.Code c : RpcException.Code.values()) {
            assertEquals(c, RpcException.Code.ofStatus(c.status()));
        }
        assertEquals(RpcException.Code.SERVER_ERROR, RpcException.Code.ofStatus((byte) 77));
    }
}
