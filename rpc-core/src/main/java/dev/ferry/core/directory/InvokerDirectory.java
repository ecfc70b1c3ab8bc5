package dev.ferry.core.directory;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Directory;
import dev.ferry.api.spi.Router;
import dev.ferry.core.extension.ExtensionRegistry;
import dev.ferry.core.invocation.RpcInvocation;

import java.util.ArrayList;
import java.util.List;

/**
 * A directory over a list of invokers that a registry (or fixed configuration) replaces
 * whole with {@link #update}. Each call's list goes through the router chain; when nothing
 * is left, the error says how many instances were known and what each router kept.
 */
public final class InvokerDirectory implements Directory {

    private final Class<?> type;
    private final ServiceKey key;
    private final List<Router> routers;
    private volatile List<Invoker> invokers = List.of();
    private volatile boolean closed;

    public InvokerDirectory(Class<?> type, ServiceKey key, List<Router> routers) {
        this.type = type;
        this.key = key;
        this.routers = List.copyOf(routers);
    }

    /** Replaces the known invokers; the caller closes those it drops. */
    public void update(List<Invoker> current) {
        this.invokers = List.copyOf(current);
    }

    /** All known invokers, available or not. */
    public List<Invoker> all() {
        return invokers;
    }

    @Override
    public Class<?> type() {
        return type;
    }

    @Override
    public ServiceKey serviceKey() {
        return key;
    }

    @Override
    public List<Invoker> list(Invocation invocation) {
        if (closed) {
            throw new RpcException(Code.CLIENT_ERROR, "the reference to " + key + " is closed");
        }
        List<Invoker> known = invokers;
        List<Invoker> available = new ArrayList<>(known.size());
        for (Invoker i : known) {
            if (i.isAvailable()) {
                available.add(i);
            }
        }
        List<Invoker> current = available;
        StringBuilder trail = null;
        for (Router r : routers) {
            List<Invoker> kept = r.route(current, invocation);
            if (kept.size() != current.size()) {
                trail = (trail == null ? new StringBuilder() : trail.append(", "))
                        .append(ExtensionRegistry.nameOf(r)).append(" kept ").append(kept.size());
            }
            current = kept;
            if (current.isEmpty()) {
                break;
            }
        }
        if (current.isEmpty()) {
            throw new RpcException(Code.SERVICE_NOT_FOUND, "no provider available for "
                    + RpcInvocation.describe(invocation) + ": the directory knows " + known.size()
                    + " instance(s), " + available.size() + " available"
                    + (trail == null ? "" : "; routers: " + trail) + (known.isEmpty() ? "" : "; instances: "
                    + known.stream().map(i -> i.endpoint().toString()).toList()));
        }
        return current;
    }

    @Override
    public void close() {
        closed = true;
        for (Invoker i : invokers) {
            i.close();
        }
        invokers = List.of();
    }
}
