package dev.ferry.core.extension;

import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Side;
import dev.ferry.core.cluster.FailoverCluster;
import dev.ferry.core.injvm.InJvmProtocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionRegistryTest {

    @Test
    void builtInsAreFoundByName() {
        ExtensionRegistry r = new ExtensionRegistry(getClass().getClassLoader());
        assertInstanceOf(FailoverCluster.class, r.get(Cluster.class, "failover"));
        assertInstanceOf(InJvmProtocol.class, r.get(Protocol.class, "injvm"));
        assertTrue(r.names(LoadBalance.class).containsAll(List.of("first", "random")));
    }

    @Test
    void userExtensionOnTheClasspathIsPickedByNameAndCreatedOnce() {
        ExtensionRegistry r = new ExtensionRegistry(getClass().getClassLoader());
        int before = FirstLoadBalance.instances;
        LoadBalance lb = r.get(LoadBalance.class, "first");
        assertInstanceOf(FirstLoadBalance.class, lb);
        assertSame(lb, r.get(LoadBalance.class, "first"));
        assertEquals(before + 1, FirstLoadBalance.instances);
    }

    @Test
    void listingNamesInstantiatesNothing() {
        ExtensionRegistry r = new ExtensionRegistry(getClass().getClassLoader());
        int before = FirstLoadBalance.instances;
        assertTrue(r.has(LoadBalance.class, "first"));
        assertEquals(before, FirstLoadBalance.instances);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        ExtensionRegistry r = new ExtensionRegistry(getClass().getClassLoader());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.get(LoadBalance.class, "fastest"));
        assertTrue(e.getMessage().contains("fastest") && e.getMessage().contains("random"), e.getMessage());
        assertFalse(r.has(LoadBalance.class, "fastest"));
    }

    @Test
    void activatedFiltersFollowOrderAndSideAndNamesAddInactiveOnes() {
        ExtensionRegistry r = new ExtensionRegistry(getClass().getClassLoader());
        r.register(Filter.class, "late", new Late());
        r.register(Filter.class, "early", new Early());
        r.register(Filter.class, "provider-only", new ProviderOnly());
        r.register(Filter.class, "by-name", new ByName());
        List<Filter> consumer = r.activated(Filter.class, Side.CONSUMER, List.of());
        assertEquals(List.of(Early.class, Late.class), consumer.stream().map(Object::getClass).toList());
        List<Filter> named = r.activated(Filter.class, Side.CONSUMER, List.of("by-name"));
        assertEquals(List.of(Early.class, ByName.class, Late.class), named.stream().map(Object::getClass).toList());
        assertEquals(List.of(ProviderOnly.class), r.activated(Filter.class, Side.PROVIDER, List.of()).stream().map(Object::getClass).toList());
        assertThrows(IllegalArgumentException.class, () -> r.activated(Filter.class, Side.CONSUMER, List.of("missing")));
    }

    @Extension(value = "late", order = 100, activeOn = Side.CONSUMER)
    static final class Late implements Filter {
        @Override
        public java.util.concurrent.CompletableFuture<dev.ferry.api.Result> invoke(dev.ferry.api.Invocation i, dev.ferry.api.Invoker next) {
            return next.invoke(i);
        }
    }

    @Extension(value = "early", order = -100, activeOn = Side.CONSUMER)
    static final class Early implements Filter {
        @Override
        public java.util.concurrent.CompletableFuture<dev.ferry.api.Result> invoke(dev.ferry.api.Invocation i, dev.ferry.api.Invoker next) {
            return next.invoke(i);
        }
    }

    @Extension(value = "provider-only", activeOn = Side.PROVIDER)
    static final class ProviderOnly implements Filter {
        @Override
        public java.util.concurrent.CompletableFuture<dev.ferry.api.Result> invoke(dev.ferry.api.Invocation i, dev.ferry.api.Invoker next) {
            return next.invoke(i);
        }
    }

    @Extension(value = "by-name", order = 50)
    static final class ByName implements Filter {
        @Override
        public java.util.concurrent.CompletableFuture<dev.ferry.api.Result> invoke(dev.ferry.api.Invocation i, dev.ferry.api.Invoker next) {
            return next.invoke(i);
        }
    }
}
