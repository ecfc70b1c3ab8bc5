package dev.ferry.api.spi;

import dev.ferry.api.Endpoint;
import dev.ferry.api.ServiceKey;

import java.util.List;

/**
 * Where providers announce their instances and consumers follow them.
 */
public interface Registry extends AutoCloseable {

    /** Announces an instance of {@code key} at {@code endpoint}. */
    void register(ServiceKey key, Endpoint endpoint);

    /** Withdraws an announced instance. */
    void unregister(ServiceKey key, Endpoint endpoint);

    /** Calls {@code listener} now with the known instances of {@code key}, and on every change. */
    void subscribe(ServiceKey key, Listener listener);

    /** Stops calling {@code listener}. */
    void unsubscribe(ServiceKey key, Listener listener);

    @Override
    void close();

    /** Told the complete current list of instances after every change. */
    @FunctionalInterface
    interface Listener {
        void onChange(List<Endpoint> endpoints);
    }
}
