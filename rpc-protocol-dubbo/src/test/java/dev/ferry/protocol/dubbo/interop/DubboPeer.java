package dev.ferry.protocol.dubbo.interop;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A real Apache Dubbo 3 application in this JVM, configured only through Dubbo's own API, with
 * no registry and its own {@link FrameworkModel} (so several can coexist and each stops
 * cleanly). Everything it binds or dials is on loopback: its provider host is
 * {@link #HOST}, an alias of 127.0.0.1 from the test JVM's hosts file, because Dubbo rewrites
 * the literal loopback names to the machine's first non-loopback address.
 */
public final class DubboPeer implements AutoCloseable {

    /** The loopback alias every test address uses. */
    public static final String HOST = "ferry-loopback";

    private final FrameworkModel framework = new FrameworkModel();
    private final DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
    private int port = -1;
    private boolean started;

    public DubboPeer(String applicationName) {
        ApplicationConfig app = new ApplicationConfig(applicationName);
        app.setQosEnable(false);
        bootstrap.application(app).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
    }

    /**
     * Serves {@code implementation} over the dubbo protocol on a free loopback port, accepting
     * hessian2 and fastjson2.
     */
    public <T> DubboPeer provide(Class<T> type, T implementation) {
        if (port < 0) {
            port = freePort();
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            protocol.setHost(HOST);
            protocol.setSerialization("hessian2");
            protocol.setPreferSerialization("hessian2,fastjson2");
            protocol.setThreads(32);
            bootstrap.protocol(protocol);
        }
        ServiceConfig<T> service = new ServiceConfig<>();
        service.setInterface(type);
        service.setRef(implementation);
        bootstrap.service(service);
        return this;
    }

    /** Adds a reference; it is usable ({@link ReferenceConfig#get()}) after {@link #start()}. */
    public DubboPeer refer(ReferenceConfig<?> reference) {
        bootstrap.reference(reference);
        return this;
    }

    /** A direct {@code dubbo://} url for a peer listening on {@code port} of the loopback alias. */
    public static String url(int port, String serialization) {
        return "dubbo://" + HOST + ":" + port + "?serialization=" + serialization + "&prefer.serialization=" + serialization;
    }

    public DubboPeer start() {
        bootstrap.start();
        started = true;
        return this;
    }

    /** The provider port; only after {@link #provide}. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            if (started) {
                bootstrap.stop();
            }
        } finally {
            framework.destroy();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
