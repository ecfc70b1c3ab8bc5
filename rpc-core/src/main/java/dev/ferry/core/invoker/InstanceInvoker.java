package dev.ferry.core.invoker;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;

import java.util.Objects;

/**
 * An invoker of one service instance — a service at one endpoint — as a protocol's
 * {@code refer} or {@code export} makes it: it holds that identity, and a subclass says how a
 * call reaches the instance.
 */
public abstract class InstanceInvoker implements Invoker {

    private final Class<?> type;
    private final ServiceKey key;
    private final Endpoint endpoint;

    protected InstanceInvoker(Class<?> type, ServiceKey key, Endpoint endpoint) {
        this.type = Objects.requireNonNull(type, "type");
        this.key = Objects.requireNonNull(key, "key");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public final Class<?> type() {
        return type;
    }

    @Override
    public final ServiceKey serviceKey() {
        return key;
    }

    @Override
    public final Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + key + " at " + endpoint + "}";
    }
}
