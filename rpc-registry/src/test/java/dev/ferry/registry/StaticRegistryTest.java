package dev.ferry.registry;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticRegistryTest {

    private static final ServiceKey KEY = new ServiceKey("a.Greeter", "", "1.0");

    @Test
    void configuredAddressesAreSeenBySubscribers() {
        StaticRegistry r = StaticRegistry.builder().add(KEY, "dubbo://10.0.0.7:20880, dubbo://10.0.0.8:20880").build();
        List<List<Endpoint>> seen = new ArrayList<>();
        r.subscribe(KEY, seen::add);
        assertEquals(1, seen.size());
        assertEquals(List.of(Endpoint.parse("dubbo://10.0.0.7:20880"), Endpoint.parse("dubbo://10.0.0.8:20880")), seen.get(0));
    }

    @Test
    void registerAndUnregisterNotifyEveryChangeOnce() {
        StaticRegistry r = StaticRegistry.create();
        List<List<Endpoint>> seen = new ArrayList<>();
        r.subscribe(KEY, seen::add);
        Endpoint a = Endpoint.parse("dubbo://127.0.0.1:1");
        r.register(KEY, a);
        r.register(KEY, a); // no change, no notification
        r.unregister(KEY, a);
        r.unregister(KEY, a);
        assertEquals(List.of(List.of(), List.of(a), List.of()), seen);
    }

    @Test
    void otherServicesAreNotNotified() {
        StaticRegistry r = StaticRegistry.create();
        List<List<Endpoint>> seen = new ArrayList<>();
        r.subscribe(KEY, seen::add);
        r.register(new ServiceKey("a.Other", "", ""), Endpoint.parse("dubbo://127.0.0.1:1"));
        assertEquals(1, seen.size());
    }

    @Test
    void brokenListenerDoesNotStopOthers() {
        StaticRegistry r = StaticRegistry.create();
        List<List<Endpoint>> seen = new ArrayList<>();
        r.subscribe(KEY, eps -> {
            if (!eps.isEmpty()) {
                throw new IllegalStateException("boom");
            }
        });
        r.subscribe(KEY, seen::add);
        r.register(KEY, Endpoint.parse("dubbo://127.0.0.1:1"));
        assertEquals(2, seen.size());
    }

    @Test
    void malformedConfiguredAddressIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticRegistry.builder().add(KEY, "dubbo://ok:1,not-an-endpoint"));
        assertTrue(e.getMessage().contains("not-an-endpoint"), e.getMessage());
    }

    @Test
    void closedRegistryRefusesRegistration() {
        StaticRegistry r = StaticRegistry.create();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.register(KEY, Endpoint.parse("dubbo://h:1")));
    }
}
