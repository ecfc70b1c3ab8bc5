package dev.ferry.api.spi;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;

import java.util.List;

/**
 * A transport: serves implementations to remote callers and makes invokers for remote
 * providers. A protocol instance owns its servers and clients and is shared by all the
 * services that use it.
 */
public interface Protocol extends AutoCloseable {

    /** Starts serving {@code implementation}; its calls arrive through the provider filter chain. */
    Exporter export(Invoker implementation, ExportOptions options);

    /** An invoker that sends calls for {@code key} to the provider at {@code endpoint}. */
    Invoker refer(Class<?> type, ServiceKey key, Endpoint endpoint);

    /**
     * Endpoints at which this protocol reaches {@code key} by itself, with no registry and no
     * configured url: in-process for {@code injvm}, the NameServer for {@code rocketmq}. Empty
     * (the default) when the protocol needs to be told where providers are.
     */
    default List<Endpoint> endpoints(ServiceKey key) {
        return List.of();
    }

    /**
     * Follows the endpoints this protocol finds for {@code key} by itself: {@code listener} hears
     * the current list now and every change after. The default tells the current
     * {@link #endpoints} once; a protocol whose providers come and go (RocketMQ brokers joining
     * a topic's route) keeps telling.
     */
    default void subscribe(ServiceKey key, Registry.Listener listener) {
        listener.onChange(endpoints(key));
    }

    /** Stops telling {@code listener} about {@code key}. */
    default void unsubscribe(ServiceKey key, Registry.Listener listener) {
    }

    /** Stops every exporter and invoker of this protocol and releases its resources. */
    @Override
    void close();
}
