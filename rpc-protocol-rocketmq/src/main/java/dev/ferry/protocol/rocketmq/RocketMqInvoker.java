package dev.ferry.protocol.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invocation;
import dev.ferry.core.invoker.InstanceInvoker;
import dev.ferry.api.Result;
import dev.ferry.api.RpcException;
import dev.ferry.api.RpcException.Code;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Serialization;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.serialization.Serializations;
import org.apache.rocketmq.common.message.MessageQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends the calls of one service to its request topic: to the queues of one broker when its
 * endpoint names a {@code broker} (one invoker per broker, so the consumer's load balancer
 * spreads calls over brokers and failover moves to another broker), else to the queues of
 * every broker in turn, skipping one whose send just failed.
 *
 * <p>Tag routing: a call tagged {@code t} goes to the providers tagged {@code t} when such a
 * provider is online, else to the untagged providers (Dubbo's non-forced tag semantics); an
 * untagged call goes to the untagged providers only.
 */
final class RocketMqInvoker extends InstanceInvoker {

    /** Endpoint parameter naming the broker an invoker sends to. */
    static final String BROKER = "broker";
    /** Endpoint parameter naming the request topic. */
    static final String TOPIC = "topic";
    /**
     * Endpoint parameter telling the consumer's tag router that this transport routes tags
     * itself (one endpoint reaches the providers of every tag), so it keeps the endpoint.
     */
    static final String TAG_ROUTING = "tag.routing";
    /** Dubbo's attachment carrying a call's routing tag. */
    static final String TAG_ATTACHMENT = "dubbo.tag";
    /** Dubbo's attachment forcing a call's tag: no fallback to untagged providers. */
    static final String FORCE_TAG_ATTACHMENT = "dubbo.force.tag";

    private final String topic;
    /** The service key as text, as every request message carries it. */
    private final String service;
    private final String broker;
    private final Serializations serializations;
    private final RocketMqRequester requester;
    private final TopicRoutes routes;
    private volatile boolean closed;

    RocketMqInvoker(Class<?> type, ServiceKey key, Endpoint endpoint, Serializations serializations,
                    RocketMqRequester requester, TopicRoutes routes) {
        super(type, key, endpoint);
        this.topic = TopicNames.topic(key);
        this.service = key.toString();
        String b = endpoint.parameter(BROKER, "");
        this.broker = b.isEmpty() ? null : b;
        this.serializations = serializations;
        this.requester = requester;
        this.routes = routes;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation inv) {
        if (closed) {
            return failed(Code.CLIENT_ERROR, inv, "the reference is closed");
        }
        Serialization serialization;
        try {
            serialization = serializations.byName(inv.options().get(CallOptions.SERIALIZATION));
        } catch (IllegalArgumentException e) {
            return failed(Code.CLIENT_ERROR, inv, e.getMessage());
        }
        String requestedTag = tagOf(inv);
        if (!requestedTag.isEmpty()) {
            try {
                TopicNames.checkTag(requestedTag);
            } catch (IllegalArgumentException e) {
                return failed(Code.CLIENT_ERROR, inv, "invalid routing tag: " + e.getMessage());
            }
        }
        TopicRoute route = routes.route(topic);
        if (!route.exists()) {
            return failed(Code.SERVICE_NOT_FOUND, inv, "the NameServer has no route for topic " + topic
                    + ", so no provider ever exported this service on RocketMQ (or its topic was deleted)");
        }
        MessageQueue queue = pick(route);
        if (queue == null) {
            routes.refreshSoon(topic);
            return failed(Code.CHANNEL_INACTIVE, inv, broker != null
                    ? "broker " + broker + " no longer takes writes of topic " + topic
                    : "no broker takes writes of topic " + topic);
        }
        String messageTag = TopicNames.UNTAGGED;
        if (!requestedTag.isEmpty()) {
            if (routes.hasConsumers(topic, TopicNames.providerGroup(serviceKey(), requestedTag))) {
                messageTag = requestedTag;
            } else if (forced(inv)) {
                return failed(Code.SERVICE_NOT_FOUND, inv, "no provider tagged '" + requestedTag
                        + "' is online and the call forces its tag");
            }
        }
        return requester.send(queue, messageTag, requestedTag, inv, endpoint(), service, serialization.id());
    }

    /** The routing tag of a call: its option, else its {@code dubbo.tag} attachment, else empty. */
    static String tagOf(Invocation inv) {
        String tag = inv.options().get(CallOptions.TAG);
        if (tag != null && !tag.isEmpty()) {
            return tag;
        }
        Object attached = inv.attachments().get(TAG_ATTACHMENT);
        return attached instanceof String s ? s : "";
    }

    private static boolean forced(Invocation inv) {
        Object attached = inv.attachments().get(FORCE_TAG_ATTACHMENT);
        return attached != null && Boolean.parseBoolean(attached.toString());
    }

    /**
     * Each calling thread turns through the queues on its own, from a random start, as
     * rocketmq-client's producer does. One counter shared by every caller would be a memory
     * location every call writes, and would spread concurrent calls so evenly over the queues
     * that each provider pull brings a single request; with a turn per thread, calls from
     * different threads now and then meet in one queue and arrive in one pull.
     */
    private static final ThreadLocal<int[]> TURN =
            ThreadLocal.withInitial(() -> new int[] {ThreadLocalRandom.current().nextInt()});

    private static int nextTurn() {
        int[] turn = TURN.get();
        return turn[0]++ & Integer.MAX_VALUE;
    }

    private MessageQueue pick(TopicRoute route) {
        int n = nextTurn();
        if (broker != null) {
            TopicRoute.BrokerRoute b = route.broker(broker);
            return b == null ? null : b.queues().get(n % b.queues().size());
        }
        List<TopicRoute.BrokerRoute> all = route.brokers();
        if (all.isEmpty()) {
            return null;
        }
        List<TopicRoute.BrokerRoute> healthy = all;
        for (TopicRoute.BrokerRoute b : all) {
            if (routes.isolated(b.name())) {
                healthy = new ArrayList<>(all.size());
                for (TopicRoute.BrokerRoute c : all) {
                    if (!routes.isolated(c.name())) {
                        healthy.add(c);
                    }
                }
                if (healthy.isEmpty()) {
                    healthy = all;
                }
                break;
            }
        }
        TopicRoute.BrokerRoute b = healthy.get(n % healthy.size());
        return b.queues().get((n / healthy.size()) % b.queues().size());
    }

    private CompletableFuture<Result> failed(Code code, Invocation inv, String why) {
        return CompletableFuture.failedFuture(new RpcException(code,
                "call " + RpcInvocation.describe(inv) + " to " + endpoint() + " failed: " + why));
    }

    /**
     * False once the broker this invoker sends to has left a known route of the topic. While
     * the route is unknown or absent (the NameServer unreachable, every broker restarting) the
     * invoker stays available, and a call says what is wrong.
     */
    @Override
    public boolean isAvailable() {
        if (closed) {
            return false;
        }
        if (broker == null) {
            return true;
        }
        TopicRoute route = routes.current(topic);
        return route == null || !route.exists() || route.brokers().isEmpty() || route.broker(broker) != null;
    }

    @Override
    public void close() {
        closed = true;
    }
}
