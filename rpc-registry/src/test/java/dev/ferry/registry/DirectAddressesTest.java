package dev.ferry.registry;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No registry server: providers named by configuration, as {@code @RpcReference(url = …)} does. */
class DirectAddressesTest {

    /** The service called. */
    public interface Named {
        String name();
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private FerryBootstrap bootstrap(dev.ferry.api.spi.Registry registry) {
        FerryBootstrap b = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build()))
                .registry(registry).unregisterGrace(Duration.ZERO).build();
        toClose.add(b);
        return b;
    }

    private Endpoint provider(String name) {
        return bootstrap(null).export(ServiceConfig.builder(Named.class, (Named) () -> name).build()).get(0).endpoint();
    }

    private static Set<String> answering(Supplier<String> call) {
        Set<String> who = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            who.add(call.get());
        }
        return who;
    }

    @Test
    void aReferenceUrlListNamesTheProviders() {
        Endpoint a = provider("a");
        Endpoint b = provider("b");
        Named named = bootstrap(null).refer(ReferenceConfig.builder(Named.class)
                .urls("dubbo://" + a.address() + ", dubbo://" + b.address()).build());
        assertEquals(Set.of("a", "b"), answering(named::name));
    }

    @Test
    void aUrlWinsOverTheRegistry() {
        Endpoint a = provider("a");
        Endpoint b = provider("b");
        StaticRegistry registry = StaticRegistry.builder().add(ServiceKey.of(Named.class), "dubbo://" + b.address()).build();
        Named named = bootstrap(registry).refer(ReferenceConfig.builder(Named.class).urls("dubbo://" + a.address()).build());
        assertEquals(Set.of("a"), answering(named::name));
    }

    @Test
    void aStaticRegistryHoldsConfiguredAddressesAndFollowsLocalRegistrations() {
        Endpoint a = provider("a");
        StaticRegistry registry = StaticRegistry.builder().add(ServiceKey.of(Named.class), "dubbo://" + a.address()).build();
        FerryBootstrap node = bootstrap(registry);
        Named named = node.refer(ReferenceConfig.builder(Named.class).build());
        assertEquals(Set.of("a"), answering(named::name));

        // A service exported through the same bootstrap registers in the static registry too.
        Endpoint local = node.export(ServiceConfig.builder(Named.class, (Named) () -> "local").build()).get(0).endpoint();
        assertEquals(List.of(Endpoint.parse("dubbo://" + a.address()), local), registry.lookup(ServiceKey.of(Named.class)));
        // A just-started instance may be warming up (a small weight): ask until it answers.
        boolean reached = false;
        for (int i = 0; i < 5000 && !reached; i++) {
            reached = named.name().equals("local");
        }
        assertTrue(reached, "the locally registered provider takes calls");
    }

    @Test
    void malformedAddressesAreRefusedAtConfiguration() {
        for (String bad : List.of("127.0.0.1:20880", "dubbo://", "dubbo://host:port", "dubbo://host:70000", "://h:1",
                "dubbo://[::1:1", "dubbo://h:1?k", "dubbo://h:1?k=%zz")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReferenceConfig.builder(Named.class).urls(bad), bad);
            assertTrue(e.getMessage().contains("endpoint"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> StaticRegistry.builder().add(ServiceKey.of(Named.class), bad), bad);
        }
    }
}
