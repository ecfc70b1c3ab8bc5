package dev.ferry.core;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcContext;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcReference;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Cluster;
import dev.ferry.api.spi.ClusterFilter;
import dev.ferry.api.spi.ExportOptions;
import dev.ferry.api.spi.Exporter;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Filter;
import dev.ferry.api.spi.LoadBalance;
import dev.ferry.api.spi.Protocol;
import dev.ferry.api.spi.Router;
import dev.ferry.core.TestServices.Greeter;
import dev.ferry.core.TestServices.GreeterImpl;
import dev.ferry.core.TestServices.GreetingException;
import dev.ferry.core.TestServices.User;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.injvm.InJvmProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole consumer and provider path over the in-JVM protocol. */
class InvocationPathTest {

    private FerryBootstrap ferry;

    @BeforeEach
    void start() {
        RecordingExtensions.TRAIL.clear();
        ExtensionRegistry extensions = new ExtensionRegistry(getClass().getClassLoader());
        extensions.register(Cluster.class, "record-cluster", new RecordingExtensions.RecordingCluster(extensions));
        extensions.register(LoadBalance.class, "record-lb", new RecordingExtensions.RecordingLoadBalance());
        extensions.register(ClusterFilter.class, "record-cluster-filter", new RecordingExtensions.RecordingClusterFilter());
        extensions.register(ClusterFilter.class, "named-cluster-filter", new NamedClusterFilter());
        extensions.register(Router.class, "record-router", new RecordingExtensions.RecordingRouter());
        extensions.register(Router.class, "blocking-router", new RecordingExtensions.BlockingRouter());
        // Registered B before A: the chain must follow @Extension order, not registration order.
        extensions.register(Filter.class, "record-filter-b", new RecordingExtensions.RecordingFilterB());
        extensions.register(Filter.class, "record-filter-a", new RecordingExtensions.RecordingFilterA());
        extensions.register(Filter.class, "record-provider-filter", new RecordingExtensions.RecordingProviderFilter());
        ferry = FerryBootstrap.builder().extensions(extensions).protocol(new RecordingProtocol()).build();
    }

    @AfterEach
    void stop() {
        ferry.close();
    }

    private Greeter greeter() {
        return greeter(ReferenceConfig.builder(Greeter.class));
    }

    private Greeter greeter(ReferenceConfig.Builder<Greeter> b) {
        return ferry.refer(b.cluster("record-cluster").loadBalance("record-lb").build());
    }

    @Test
    void callPassesEveryStageInOrder() {
        ferry.export(new GreeterImpl());
        assertEquals("hello ferry", greeter().hello("ferry"));
        assertEquals(List.of("cluster-filter", "cluster", "router", "load-balance", "filter-a", "filter-b",
                "protocol", "provider-filter"), RecordingExtensions.TRAIL);
    }

    @Test
    void syncCallsReturnValuesNullsAndPojos() {
        ferry.export(new GreeterImpl());
        Greeter g = greeter();
        assertEquals(5, g.add(2, 3));
        assertEquals(new User(7, "user7"), g.find(7));
        assertNull(g.find(-1));
        assertEquals(3, g.list(3).size());
        g.nothing();
    }

    @Test
    void futureMethodsDoNotBlockTheCaller() throws Exception {
        ferry.export(new GreeterImpl());
        CompletableFuture<String> f = greeter().helloAsync("async");
        assertEquals("async hello async", f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void asyncReferenceHandsTheFutureOverThroughTheContext() throws Exception {
        ferry.export(new GreeterImpl());
        Greeter g = greeter(ReferenceConfig.builder(Greeter.class).async(true));
        assertNull(g.hello("later"));
        CompletableFuture<String> f = RpcContext.takeFuture();
        assertEquals("hello later", f.get(5, TimeUnit.SECONDS));
        assertEquals(0, g.add(1, 1));
        assertEquals(2, RpcContext.<Integer>takeFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void businessExceptionArrivesAsItself() {
        ferry.export(new GreeterImpl());
        GreetingException e = assertThrows(GreetingException.class, () -> greeter().fail("no greeting"));
        assertEquals("no greeting", e.getMessage());
    }

    @Test
    void missingServiceFailsWithCodeServiceAndMethod() {
        RpcException e = assertThrows(RpcException.class, () -> greeter().hello("nobody"));
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains(Greeter.class.getName() + "#hello"), e.getMessage());
    }

    @Test
    void emptyRouterResultNamesTheRouterAndCounts() {
        ferry.export(new GreeterImpl());
        Greeter g = greeter(ReferenceConfig.builder(Greeter.class).tag("block"));
        RpcException e = assertThrows(RpcException.class, () -> g.hello("x"));
        assertEquals(RpcException.Code.SERVICE_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("knows 1 instance"), e.getMessage());
        assertTrue(e.getMessage().contains("blocking-router kept 0"), e.getMessage());
    }

    @Test
    void injectFillsAnnotatedFields() {
        ferry.export(new GreeterImpl());
        Client c = ferry.inject(new Client());
        assertEquals("hello field", c.greeter.hello("field"));
        assertTrue(c.greeter.toString().contains(Greeter.class.getName()));
        assertFalse(c.greeter.equals(greeter()));
    }

    @Test
    void providerAttachmentsReachTheResult() {
        ferry.export(new GreeterImpl());
        Invoker raw = ferry.protocol("record-injvm").refer(Greeter.class, ServiceKey.of(Greeter.class), InJvmProtocol.LOCAL);
        Result r = raw.invoke(new dev.ferry.core.invocation.RpcInvocation(ServiceKey.of(Greeter.class), "hello",
                new Class<?>[]{String.class}, new Object[]{"x"}, String.class, null, CallOptions.DEFAULT)).join();
        assertEquals("hello x", r.value());
        assertEquals("provider-filter", r.attachments().get("served-by"));
    }

    @Test
    void unknownExtensionNameIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ferry.refer(ReferenceConfig.builder(Greeter.class).cluster("no-such-cluster").build()));
        assertTrue(e.getMessage().contains("no-such-cluster"), e.getMessage());
        assertTrue(e.getMessage().contains("record-cluster"), e.getMessage());
    }

    @Test
    void closedBootstrapRefusesWork() {
        ferry.close();
        assertThrows(IllegalStateException.class, () -> ferry.export(new GreeterImpl()));
    }

    static final class Client {
        @RpcReference(cluster = "record-cluster", loadbalance = "record-lb", timeout = 2000)
        Greeter greeter;
    }

    /** The in-JVM protocol, with a mark where the call reaches the transport. */
    @Extension("record-injvm")
    static final class RecordingProtocol implements Protocol {
        private final InJvmProtocol delegate = new InJvmProtocol();

        @Override
        public Exporter export(Invoker implementation, ExportOptions options) {
            return delegate.export(implementation, options);
        }

        @Override
        public Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint) {
            Invoker target = delegate.refer(type, key, endpoint);
            return new Invoker() {
                @Override
                public Class<?> type() {
                    return type;
                }

                @Override
                public ServiceKey serviceKey() {
                    return key;
                }

                @Override
                public Endpoint endpoint() {
                    return target.endpoint();
                }

                @Override
                public CompletableFuture<Result> invoke(Invocation invocation) {
                    RecordingExtensions.TRAIL.add("protocol");
                    return target.invoke(invocation);
                }

                @Override
                public boolean isAvailable() {
                    return true;
                }
            };
        }

        @Override
        public List<Endpoint> endpoints(ServiceKey key) {
            return delegate.endpoints(key);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void timeoutOptionIsCarried() {
        ReferenceConfig<Greeter> c = ReferenceConfig.builder(Greeter.class).timeout(Duration.ofMillis(1234)).build();
        assertEquals(Duration.ofMillis(1234), c.callOptions().timeout());
    }

    @Test
    void clusterFilterNamedByTheReferenceJoinsTheChain() {
        ferry.export(new GreeterImpl());
        Greeter g = ferry.refer(ReferenceConfig.builder(Greeter.class).cluster("record-cluster").loadBalance("record-lb")
                .clusterFilters(List.of("named-cluster-filter")).build());
        RecordingExtensions.TRAIL.clear();
        assertEquals("hello x", g.hello("x"));
        assertEquals("named-cluster-filter", RecordingExtensions.TRAIL.get(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ferry.refer(
                ReferenceConfig.builder(Greeter.class).cluster("record-cluster").clusterFilters(List.of("missing")).build()));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Extension(value = "named-cluster-filter", order = 50)
    static final class NamedClusterFilter implements ClusterFilter {
        @Override
        public CompletableFuture<Result> invoke(Invocation invocation, Invoker next) {
            RecordingExtensions.TRAIL.add("named-cluster-filter");
            return next.invoke(invocation);
        }
    }
}
