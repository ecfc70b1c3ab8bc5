package dev.ferry.registry.zookeeper;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Apache Dubbo 3.3.2 application and Ferry sharing one ZooKeeper registry, in Dubbo's
 * interface-level layout: a Dubbo consumer finds and calls Ferry providers, and a Ferry
 * consumer finds and calls a Dubbo provider. Every address is the loopback alias
 * {@value #HOST} from this module's test hosts file, because Dubbo rewrites 127.0.0.1.
 */
@Timeout(120)
class DubboRegistryInteropTest extends ZookeeperServerTest {

    private static final String HOST = "ferry-loopback";
    private static final String VERSION = "1.0";

    /** Ferry with default roots, so its entries are where Dubbo looks. */
    private ZookeeperRegistryConfig ferryConfig() {
        return ZookeeperRegistryConfig.builder(HOST + ":" + server.getPort()).application("ferry-side").build();
    }

    private FerryBootstrap ferryProvider(String name) {
        FerryBootstrap b = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").advertisedHost(HOST).port(0)
                        .ioThreads(2).businessThreads(16).build()))
                .registry(ZookeeperRegistry.connect(ferryConfig()))
                .unregisterGrace(Duration.ZERO)
                .build();
        b.export(ServiceConfig.builder(Echo.class, new EchoImpl(name)).version(VERSION).build());
        closeAfter(b);
        return b;
    }

    /** A Dubbo application in its own framework model, registered in the test's ZooKeeper. */
    private DubboBootstrap dubbo(String application) {
        FrameworkModel framework = new FrameworkModel();
        DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
        closeAfter(framework::destroy);
        closeAfter(bootstrap::stop);
        ApplicationConfig app = new ApplicationConfig(application);
        app.setQosEnable(false);
        app.setRegisterMode("interface");
        RegistryConfig registry = new RegistryConfig("zookeeper://" + HOST + ":" + server.getPort());
        registry.setUseAsConfigCenter(false);
        registry.setUseAsMetadataCenter(false);
        return bootstrap.application(app).registry(registry);
    }

    private static Set<String> answering(Echo echo, int calls) {
        Set<String> who = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            who.add(echo.who());
        }
        return who;
    }

    @Test
    void aDubboConsumerFindsAndFollowsFerryProviders() {
        FerryBootstrap a = ferryProvider("ferry-a");

        ReferenceConfig<Echo> ref = new ReferenceConfig<>();
        ref.setInterface(Echo.class);
        ref.setVersion(VERSION);
        ref.setCheck(true); // fails at start unless a provider is found in the registry
        ref.setRetries(0);
        ref.setTimeout(5000);
        ref.setParameters(new HashMap<>(Map.of("migration.step", "FORCE_INTERFACE")));
        dubbo("dubbo-consumer").reference(ref).start();
        Echo echo = ref.get();

        assertEquals("ferry-a:hi", echo.echo("hi"));
        assertEquals(Set.of("ferry-a"), answering(echo, 10));

        ferryProvider("ferry-b");
        Await.until("Dubbo's consumer finds a Ferry provider registered later", () -> answering(echo, 20).contains("ferry-b"));
        a.close();
        Await.until("Dubbo's consumer drops the provider that left", () -> answering(echo, 20).equals(Set.of("ferry-b")));
    }

    @Test
    void aFerryConsumerFindsADubboProvider() {
        ProtocolConfig protocol = new ProtocolConfig("dubbo", freePort());
        protocol.setHost(HOST);
        protocol.setSerialization("hessian2");
        org.apache.dubbo.config.ServiceConfig<Echo> service = new org.apache.dubbo.config.ServiceConfig<>();
        service.setInterface(Echo.class);
        service.setVersion(VERSION);
        service.setRef(new EchoImpl("dubbo-provider"));
        service.setWeight(60);
        dubbo("dubbo-provider").protocol(protocol).service(service).start();

        ZookeeperRegistry registry = ZookeeperRegistry.connect(ferryConfig());
        ZkTestSupport.Recorder seen = new ZkTestSupport.Recorder();
        registry.subscribe(new ServiceKey(Echo.class.getName(), "", VERSION), seen);
        Await.until("Dubbo's entry is listed", () -> seen.last() != null && !seen.last().isEmpty());
        Endpoint entry = seen.raw.get(seen.raw.size() - 1).get(0);
        assertEquals(HOST, entry.host());
        assertEquals(protocol.getPort(), entry.port());
        assertEquals("60", entry.parameter(Endpoint.WEIGHT, ""));
        assertTrue(Long.parseLong(entry.parameter(ProviderUrl.TIMESTAMP, "0")) > 0, entry.toString());
        registry.close();

        FerryBootstrap consumer = FerryBootstrap.builder()
                .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).ioThreads(2).build()))
                .registry(ZookeeperRegistry.connect(ferryConfig()))
                .unregisterGrace(Duration.ZERO)
                .build();
        closeAfter(consumer);
        Echo echo = consumer.refer(Nodes.reference());
        assertEquals("dubbo-provider:hello", echo.echo("hello"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
