package dev.ferry.registry.metadata;

import dev.ferry.api.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceMetadataTest {

    /** A service with overloads, generics, arrays, a default method and a static one. */
    interface Catalogue {
        String find(String id);

        String find(String id, int version);

        CompletableFuture<List<Map<String, Integer>>> counts(long[] ids, Map<String, List<String>> filter);

        void clear();

        default int size() {
            return 0;
        }

        static Catalogue none() {
            return null;
        }
    }

    private static final ServiceKey KEY = new ServiceKey(Catalogue.class.getName(), "g", "1.0");

    @Test
    void describesEveryInstanceMethodWithItsTypes() {
        ServiceMetadata md = ServiceMetadata.of(KEY, Catalogue.class);
        assertEquals(List.of(
                new MethodDescriptor("clear", List.of(), "void"),
                new MethodDescriptor("counts", List.of("long[]", "java.util.Map<java.lang.String, java.util.List<java.lang.String>>"),
                        "java.util.concurrent.CompletableFuture<java.util.List<java.util.Map<java.lang.String, java.lang.Integer>>>"),
                new MethodDescriptor("find", List.of("java.lang.String"), "java.lang.String"),
                new MethodDescriptor("find", List.of("java.lang.String", "int"), "java.lang.String"),
                new MethodDescriptor("size", List.of(), "int")), md.methods());
        assertEquals(List.of("clear", "counts", "find", "size"), md.methodNames());
    }

    @Test
    void storedFormRoundTrips() {
        ServiceMetadata md = ServiceMetadata.of(KEY, Catalogue.class);
        assertEquals(md, ServiceMetadata.parse(md.encode()));
        ServiceMetadata odd = new ServiceMetadata(new ServiceKey("a\tb%c\nd", "", ""),
                List.of(new MethodDescriptor("m\r", List.of("%09"), "x\ty")));
        assertEquals(odd, ServiceMetadata.parse(odd.encode()));
    }

    @Test
    void storedFormIsReadableText() {
        String text = new String(new ServiceMetadata(KEY, List.of(new MethodDescriptor("find", List.of("java.lang.String"),
                "java.lang.String"))).encode(), StandardCharsets.UTF_8);
        assertEquals("ferry-metadata/1\nservice\t" + Catalogue.class.getName() + "\tg\t1.0\n"
                + "method\tfind\tjava.lang.String\tjava.lang.String\n", text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ferry-metadata/2\nservice\ta\t\t", "ferry-metadata/1", "ferry-metadata/1\n",
            "ferry-metadata/1\nservice\ta\t\t\nservice\tb\t\t", "ferry-metadata/1\nservice\ta\t\t\t",
            "ferry-metadata/1\nservice\t \t\t", "ferry-metadata/1\nservice\ta\t\t\nmethod\tm",
            "ferry-metadata/1\nservice\ta\t\t\nmethod\t\tvoid", "ferry-metadata/1\nservice\ta\t\t\nmethod\tm\t",
            "ferry-metadata/1\nservice\ta\t\t\nmethod\tm\tvoid\t", "ferry-metadata/1\nservice\ta\t\t\nwhat\tever",
            "ferry-metadata/1\nservice\ta%zz\t\t", "ferry-metadata/1\nservice\ta%2\t\t",
            "ferry-metadata/1\nservice\ta%\t\t", "\u0000\u0001garbage"})
    void malformedMetadataIsRefusedWithAReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServiceMetadata.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void oversizedMetadataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ServiceMetadata.parse(new byte[ServiceMetadata.MAX_BYTES + 1]));
        StringBuilder many = new StringBuilder("ferry-metadata/1\nservice\ta\t\t\n");
        for (int i = 0; i <= ServiceMetadata.MAX_METHODS; i++) {
            many.append("method\tm").append(i).append("\tvoid\n");
        }
        assertThrows(IllegalArgumentException.class,
                () -> ServiceMetadata.parse(many.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
