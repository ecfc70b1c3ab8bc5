package dev.ferry.examples.registry;

import dev.ferry.api.Endpoint;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.examples.quickstart.Greeter;
import dev.ferry.examples.quickstart.GreeterImpl;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;
import dev.ferry.registry.metadata.MethodDescriptor;
import dev.ferry.registry.zookeeper.ServiceListing;
import dev.ferry.registry.zookeeper.ZookeeperConnection;
import dev.ferry.registry.zookeeper.ZookeeperRegistry;
import dev.ferry.registry.zookeeper.ZookeeperRegistryConfig;
import dev.ferry.registry.zookeeper.ZookeeperServiceCatalog;
import org.apache.curator.test.TestingServer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Lists the services a ZooKeeper registry holds, with their providers and methods.
 *
 * <pre>
 * java … dev.ferry.examples.registry.ListServices [--registry-root /dubbo] [--ferry-root /ferry] zk1:2181,zk2:2181
 * java … dev.ferry.examples.registry.ListServices --demo
 * </pre>
 *
 * <p>{@code --demo} starts an embedded ZooKeeper, exports the quick start's {@link Greeter}
 * over the Dubbo protocol, and lists that. Exit status: 0 listed, 1 ZooKeeper unreachable,
 * 2 bad arguments.
 */
public final class ListServices {

    private static final String USAGE = "usage: ListServices [--registry-root PATH] [--ferry-root PATH] HOST:PORT[,HOST:PORT…]\n"
            + "       ListServices --demo";

    private ListServices() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper") == null) {
            // ZooKeeper's client warns at every reconnect attempt; the tool reports the outcome itself.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && args[0].equals("--demo")) {
            return demo(out);
        }
        ZookeeperRegistryConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try (ZookeeperConnection zk = ZookeeperConnection.open(config)) {
            print(new ZookeeperServiceCatalog(zk).list(), out);
            return 0;
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static ZookeeperRegistryConfig parse(String[] args) {
        String registryRoot = ZookeeperRegistryConfig.DEFAULT_REGISTRY_ROOT;
        String ferryRoot = ZookeeperRegistryConfig.DEFAULT_FERRY_ROOT;
        String connect = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--registry-root" -> registryRoot = value(args, ++i, "--registry-root");
                case "--ferry-root" -> ferryRoot = value(args, ++i, "--ferry-root");
                default -> {
                    if (args[i].startsWith("-") || connect != null) {
                        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                    }
                    connect = args[i];
                }
            }
        }
        if (connect == null) {
            throw new IllegalArgumentException("name the ZooKeeper ensemble to read");
        }
        return ZookeeperRegistryConfig.builder(connect).registryRoot(registryRoot).ferryRoot(ferryRoot)
                .connectionTimeout(Duration.ofSeconds(5)).build();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Prints each service, its providers and its methods. */
    static void print(List<ServiceListing> services, PrintStream out) {
        if (services.isEmpty()) {
            out.println("no services registered");
            return;
        }
        for (ServiceListing s : services) {
            out.println(s.service().interfaceName() + "  group: " + orDash(s.service().group())
                    + "  version: " + orDash(s.service().version()));
            out.println("  providers (" + s.providers().size() + "):");
            for (Endpoint ep : s.providers()) {
                out.println("    " + ep);
            }
            if (s.metadata().isPresent()) {
                List<MethodDescriptor> methods = s.metadata().get().methods();
                out.println("  methods (" + methods.size() + "):");
                for (MethodDescriptor m : methods) {
                    out.println("    " + m);
                }
            } else {
                out.println("  methods: not published");
            }
        }
    }

    private static int demo(PrintStream out) throws Exception {
        try (TestingServer server = new TestingServer(true);
             FerryBootstrap ferry = FerryBootstrap.builder()
                     .protocol(new DubboProtocol(DubboProtocolConfig.builder().host("127.0.0.1").port(0).build()))
                     .registry(ZookeeperRegistry.connect(ZookeeperRegistryConfig.builder(server.getConnectString())
                             .application("list-services-demo").build()))
                     .unregisterGrace(Duration.ZERO)
                     .build()) {
            ferry.export(ServiceConfig.builder(Greeter.class, new GreeterImpl()).protocol("dubbo").version("1.0").build());
            out.println("embedded ZooKeeper at " + server.getConnectString() + ":");
            return run(new String[]{server.getConnectString()}, out, System.err);
        }
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
