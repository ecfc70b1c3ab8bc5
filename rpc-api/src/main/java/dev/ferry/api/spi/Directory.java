package dev.ferry.api.spi;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.ServiceKey;

import java.util.List;

/**
 * The provider instances of one service as a consumer currently knows them, kept current by
 * a registry or fixed by configuration, and narrowed by the router chain for each call.
 */
public interface Directory {

    /** The service interface. */
    Class<?> type();

    /** The service. */
    ServiceKey serviceKey();

    /**
     * The available invokers the routers allow for this call.
     *
     * @throws dev.ferry.api.RpcException with {@code SERVICE_NOT_FOUND} when none is left,
     *         naming the service, how many instances were known and which router removed them
     */
    List<Invoker> list(Invocation invocation);

    /** Releases the directory's invokers and subscriptions. */
    void close();
}
