package dev.ferry.core.extension;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.LoadBalance;

import java.util.List;

/** A user's own balancer, found through META-INF/services like any built-in one. */
@Extension("first")
public final class FirstLoadBalance implements LoadBalance {

    public static int instances;

    public FirstLoadBalance() {
        instances++;
    }

    @Override
    public Invoker select(List<Invoker> invokers, Invocation invocation) {
        return invokers.get(0);
    }
}
