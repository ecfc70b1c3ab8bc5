package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderUrlTest {

    private static final ServiceKey KEY = new ServiceKey("a.b.Greeter", "blue", "1.0");

    @Test
    void ferryEndpointRoundTripsThroughTheNodeName() {
        Endpoint ep = new Endpoint("dubbo", "10.0.0.7", 20880, Map.of("weight", "50", "tag", "gray"));
        ProviderUrl url = new ProviderUrl(KEY, ep, "shop", List.of("helloAsync", "hello", "hello"),
                List.of("hessian2", "fastjson2"), 1_700_000_000_123L);

        ProviderUrl back = ProviderUrl.parse(url.toNodeName());

        assertEquals(url, back);
        assertEquals(ep, back.endpoint());
        assertEquals(List.of("hello", "helloAsync"), back.methods());
        assertEquals(1_700_000_000_123L, back.timestamp());
        assertEquals("shop", back.application());
        assertEquals(List.of("hessian2", "fastjson2"), back.serializations());
    }

    @Test
    void anEndpointsOwnStartTimeBecomesTheEntrysTimestampAndComesBackToConsumers() {
        Endpoint exported = new Endpoint("dubbo", "10.0.0.7", 20880, Map.of("timestamp", "1700000000000", "weight", "5"));
        ProviderUrl url = ProviderUrl.of(KEY, exported, "", List.of(), List.of(), 42);
        assertEquals(1_700_000_000_000L, url.timestamp());
        assertFalse(url.endpoint().parameters().containsKey("timestamp"));
        assertEquals(exported, ProviderUrl.parse(url.toNodeName()).consumerEndpoint());

        Endpoint plain = new Endpoint("dubbo", "10.0.0.7", 20880);
        ProviderUrl registered = ProviderUrl.of(KEY, plain, "", List.of(), List.of(), 42);
        assertEquals(42, registered.timestamp());
        assertEquals(plain.withParameter("timestamp", "42"), registered.consumerEndpoint());
        assertEquals(plain, new ProviderUrl(KEY, plain, "", List.of(), List.of(), 0).consumerEndpoint());

        for (String bad : List.of("soon", "-1", "", "1e9", "99999999999999999999")) {
            assertThrows(IllegalArgumentException.class, () -> ProviderUrl.of(KEY,
                    plain.withParameter("timestamp", bad), "", List.of(), List.of(), 42), bad);
        }
    }

    @Test
    void textIsWhatDubboWrites() {
        Endpoint ep = new Endpoint("dubbo", "10.0.0.7", 20880, Map.of("weight", "50", "tag", "gray"));
        String text = new ProviderUrl(KEY, ep, "shop", List.of("hello", "helloAsync"), List.of("hessian2"), 42).toText();
        assertEquals("dubbo://10.0.0.7:20880/a.b.Greeter?application=shop&dubbo=2.0.2&dubbo.tag=gray&dynamic=true"
                + "&group=blue&interface=a.b.Greeter&methods=hello,helloAsync&prefer.serialization=hessian2"
                + "&serialization=hessian2&side=provider&timestamp=42&version=1.0&weight=50", text);
        // The node name is that text encoded once, exactly as Dubbo's URL.encode does.
        assertEquals(URLEncoder.encode(text, StandardCharsets.UTF_8),
                new ProviderUrl(KEY, ep, "shop", List.of("hello", "helloAsync"), List.of("hessian2"), 42).toNodeName());
    }

    @Test
    void unusualValuesAndHostsRoundTrip() {
        Map<String, String> params = Map.of("note", "a&b=c?d%e+f g#h/ü", "x.y", "", "weight", "0");
        for (String host : List.of("::1", "fe80::1%eth0", "host-name.example_1")) {
            Endpoint ep = new Endpoint("tri", host, 1, params);
            ProviderUrl url = new ProviderUrl(new ServiceKey("Outer$Inner", "", ""), ep, "", List.of(), List.of(), 0);
            assertEquals(url, ProviderUrl.parse(url.toNodeName()), host);
        }
    }

    @Test
    void emptyGroupAndVersionAreLeftOut() {
        ProviderUrl url = new ProviderUrl(new ServiceKey("a.Greeter", "", ""), new Endpoint("dubbo", "h", 1), "", List.of(),
                List.of(), 7);
        assertFalse(url.toText().contains("group="));
        assertFalse(url.toText().contains("version="));
        assertEquals(new ServiceKey("a.Greeter", "", ""), ProviderUrl.parse(url.toNodeName()).service());
    }

    @Test
    void readsAnEntryWrittenByApacheDubbo() {
        String dubbo = "dubbo://192.168.1.5:20881/org.apache.dubbo.demo.DemoService?anyhost=true&application=demo-provider"
                + "&background=false&deprecated=false&dubbo=2.0.2&dubbo.tag=canary&dynamic=true&executor-management-mode=isolation"
                + "&file-cache=true&generic=false&group=g1&interface=org.apache.dubbo.demo.DemoService"
                + "&methods=sayHello,sayHelloAsync&pid=4242&prefer.serialization=hessian2,fastjson2&release=3.3.2"
                + "&service-name-mapping=true&side=provider&timeout=3000&timestamp=1732000000000&version=2.0&weight=80";
        ProviderUrl url = ProviderUrl.parse(URLEncoder.encode(dubbo, StandardCharsets.UTF_8));

        assertEquals(new ServiceKey("org.apache.dubbo.demo.DemoService", "g1", "2.0"), url.service());
        assertEquals(new Endpoint("dubbo", "192.168.1.5", 20881, Map.of("weight", "80", "tag", "canary", "timeout", "3000")),
                url.endpoint());
        assertEquals(List.of("sayHello", "sayHelloAsync"), url.methods());
        assertEquals(List.of("hessian2", "fastjson2"), url.serializations());
        assertEquals("demo-provider", url.application());
        assertEquals(1732000000000L, url.timestamp());
    }

    @Test
    void interfaceComesFromThePathWhenTheParameterIsMissing() {
        String text = "dubbo://h:1/a.Greeter?side=provider";
        assertEquals("a.Greeter", ProviderUrl.parse(URLEncoder.encode(text, StandardCharsets.UTF_8)).service().interfaceName());
    }

    @Test
    void endpointParametersThatCollideWithRegistryKeysAreRefused() {
        Endpoint ep = new Endpoint("dubbo", "h", 1, Map.of("timestamp", "1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProviderUrl(KEY, ep, "", List.of(), List.of(), 0));
        assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    }

    @Test
    void hostsThatWouldBreakTheUrlAreRefused() {
        for (String host : List.of("a/b", "a?b", "a&b", "a b", "ü.example")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new ProviderUrl(KEY, new Endpoint("dubbo", host, 1), "", List.of(), List.of(), 0), host);
        }
    }

    @Test
    void methodNamesWithCommasAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ProviderUrl(KEY, new Endpoint("dubbo", "h", 1), "", List.of("a,b"), List.of(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ProviderUrl(KEY, new Endpoint("dubbo", "h", 1), "", List.of(), List.of(" "), 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "garbage", "%", "%zz", "%E2%82", "dubbo%3A%2F%2F", "dubbo%3A%2F%2Fhost", "dubbo%3A%2F%2Fhost%3A",
            "dubbo%3A%2F%2Fhost%3Aport%2Fa.B", "dubbo%3A%2F%2Fhost%3A99999%2Fa.B", "dubbo%3A%2F%2Fhost%3A-1%2Fa.B",
            "dubbo%3A%2F%2F%3A20880%2Fa.B", "dubbo%3A%2F%2Fhost%3A1", "dubbo%3A%2F%2Fhost%3A1%2F",
            "dubbo%3A%2F%2Fhost%3A1%2F%3Finterface%3D", "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3Fkey",
            "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3D%3Fa%3D1%26a%3D2", "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3Ftimestamp%3Dsoon",
            "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3Ftimestamp%3D99999999999999999999",
            "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3Fx%3D%25zz", "dubbo%3A%2F%2Fhost%3A1%2Fa.B%3F%3Dvalue",
            "bad%20proto%3A%2F%2Fhost%3A1%2Fa.B", "dubbo%3A%2F%2F%5B%3A%3A1%2Fa.B", "dubbo%3A%2F%2F%5B%3A%3A1%5D%2Fa.B",
            "%3A%2F%2Fhost%3A1%2Fa.B"
    })
    void malformedNodeNamesAreRefusedWithAReason(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderUrl.parse(name));
        assertFalse(e.getMessage() == null || e.getMessage().isBlank());
    }

    @Test
    void hugeNodeNamesAreRefusedBeforeParsing() {
        String huge = "dubbo%3A%2F%2Fh%3A1%2Fa.B%3Fx%3D" + "a".repeat(ProviderUrl.MAX_NODE_NAME_LENGTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderUrl.parse(huge));
        assertTrue(e.getMessage().contains("longer"), e.getMessage());
    }

    @Test
    void plusSignsInDubboValuesStayPlusSigns() {
        String text = "dubbo://h:1/a.B?note=" + URLEncoder.encode("x+y", StandardCharsets.UTF_8);
        // Dubbo writes values raw: after the one outer decoding, the value reads "x%2By" → "x+y".
        assertEquals("x+y", ProviderUrl.parse(URLEncoder.encode(text, StandardCharsets.UTF_8)).endpoint().parameter("note", ""));
        assertEquals(text, URLDecoder.decode(URLEncoder.encode(text, StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
