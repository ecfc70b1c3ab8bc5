package dev.ferry.core.invoker;

import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;

import java.util.Objects;

/**
 * An invoker that stands in front of another: it keeps the target's identity (type, key,
 * endpoint), availability and closing, and changes only what a subclass overrides — usually
 * {@link #invoke}.
 */
public abstract class ForwardingInvoker implements Invoker {

    /** The invoker this one stands in front of. */
    protected final Invoker target;

    protected ForwardingInvoker(Invoker target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public Class<?> type() {
        return target.type();
    }

    @Override
    public ServiceKey serviceKey() {
        return target.serviceKey();
    }

    @Override
    public Endpoint endpoint() {
        return target.endpoint();
    }

    @Override
    public boolean isAvailable() {
        return target.isAvailable();
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
