package dev.ferry.examples.dubbo;

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
 * An Apache Dubbo 3 application configured with Dubbo's own API only: no registry, direct
 * addresses, a framework model of its own so it stops cleanly.
 *
 * <p>Host names: Dubbo replaces {@code 127.0.0.1} and {@code localhost} by the machine's first
 * non-loopback address. The examples run on one machine and stay on loopback by naming it
 * {@link #host()} ({@code ferry-loopback}, mapped to 127.0.0.1 by the hosts file the example
 * JVM is started with); set {@code -Dferry.example.host} to use a real host name instead.
 */
public final class DubboSide implements AutoCloseable {

    private final FrameworkModel framework = new FrameworkModel();
    private final DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
    private int port = -1;

    public DubboSide(String application) {
        ApplicationConfig app = new ApplicationConfig(application);
        app.setQosEnable(false);
        bootstrap.application(app).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
    }

    public static String host() {
        return System.getProperty("ferry.example.host", "ferry-loopback");
    }

    /** Serves {@code implementation} over dubbo:// (hessian2) on a free port of {@link #host()}. */
    public <T> DubboSide serve(Class<T> type, T implementation) {
        port = freePort();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost(host());
        protocol.setSerialization("hessian2");
        bootstrap.protocol(protocol);
        ServiceConfig<T> service = new ServiceConfig<>();
        service.setInterface(type);
        service.setRef(implementation);
        bootstrap.service(service);
        return this;
    }

    /** A reference to {@code type} at {@code url}; usable after {@link #start()}. */
    public <T> ReferenceConfig<T> reference(Class<T> type, String url) {
        ReferenceConfig<T> ref = new ReferenceConfig<>();
        ref.setInterface(type);
        ref.setUrl(url);
        ref.setTimeout(5000);
        ref.setRetries(0);
        bootstrap.reference(ref);
        return ref;
    }

    /** A generic reference (Dubbo's {@code GenericService}) to the interface named {@code interfaceName}. */
    ReferenceConfig<org.apache.dubbo.rpc.service.GenericService> genericReference(String interfaceName, String url) {
        ReferenceConfig<org.apache.dubbo.rpc.service.GenericService> ref = new ReferenceConfig<>();
        ref.setId("generic-" + interfaceName);
        ref.setInterface(interfaceName);
        ref.setGeneric("true");
        ref.setUrl(url);
        ref.setTimeout(5000);
        ref.setRetries(0);
        bootstrap.reference(ref);
        return ref;
    }

    public DubboSide start() {
        bootstrap.start();
        return this;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            bootstrap.stop();
        } finally {
            framework.destroy();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host()))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
