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
        // Every router's count is kept for the diagnostic, but only built into text when needed.
        int[] kept = new int[routers.size()];
        String emptiedBy = null;
        for (int r = 0; r < routers.size(); r++) {
            Router router = routers.get(r);
            if (current.isEmpty()) {
                break;
            }
            List<Invoker> out;
            try {
                out = router.route(current, invocation);
            } catch (RuntimeException e) {
                throw new RpcException(Code.CLIENT_ERROR, "router '" + ExtensionRegistry.nameOf(router) + "' failed on "
                        + RpcInvocation.describe(invocation) + ": " + e, e);
            }
            if (out == null) {
                throw new RpcException(Code.CLIENT_ERROR, "router '" + ExtensionRegistry.nameOf(router)
                        + "' returned no list for " + RpcInvocation.describe(invocation));
            }
            kept[r] = out.size();
            if (out.isEmpty()) {
                emptiedBy = ExtensionRegistry.nameOf(router);
            }
            current = out;
        }
        if (current.isEmpty()) {
            throw new RpcException(Code.SERVICE_NOT_FOUND, noProvider(invocation, known, available, kept, emptiedBy));
        }
        return current;
    }

    private String noProvider(Invocation invocation, List<Invoker> known, List<Invoker> available, int[] kept, String emptiedBy) {
        StringBuilder sb = new StringBuilder("no provider available for ").append(RpcInvocation.describe(invocation))
                .append(": the directory knows ").append(known.size()).append(" instance(s), ")
                .append(available.size()).append(" available");
        if (emptiedBy != null) {
            sb.append("; routers: ");
            int before = available.size();
            for (int r = 0; r < routers.size(); r++) {
                if (r > 0) {
                    sb.append(", ");
                }
                sb.append(ExtensionRegistry.nameOf(routers.get(r))).append(" kept ").append(kept[r]).append(" of ").append(before);
                if (kept[r] == 0) {
                    break;
                }
                before = kept[r];
            }
            sb.append("; router '").append(emptiedBy).append("' removed the rest");
        }
        if (!known.isEmpty()) {
            sb.append("; instances: ").append(known.stream().map(i -> i.endpoint().toString()
                    + (i.isAvailable() ? "" : " (unavailable)")).toList());
        }
        return sb.toString();
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
