package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.exception.RemotingException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The requester's view of the NameServer: the route of each request topic it uses and whether
 * a tagged provider group is online, refreshed every discovery interval on one daemon thread,
 * at once after a failed send, and synchronously on first use.
 *
 * <p>When a route shows a broker this client never heartbeated, it loads the reply topic of
 * the broker's cluster and heartbeats every broker before the route is used: a reply may pass
 * through any broker of the cluster, and a broker pushes it only to a client it knows.
 */
final class TopicRoutes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicRoutes.class);
    /** A missing topic is asked for again at most this often by callers (not by the poller). */
    private static final long ABSENT_RECHECK_MILLIS = 250;
    /** After a failed send, how soon the route may be fetched again. */
    private static final long MIN_REFRESH_GAP_MILLIS = 100;
    /** How long a broker whose send failed is skipped by calls not bound to a broker. */
    private static final long ISOLATION_MILLIS = 1000;
    private static final long RPC_TIMEOUT_MILLIS = 3000;

    private final MQClientInstance client;
    private final long intervalMillis;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, Watched> topics = new ConcurrentHashMap<>();
    private final Map<String, Presence> groups = new ConcurrentHashMap<>();
    private final Map<String, Long> failedBrokers = new ConcurrentHashMap<>();
    private final Set<String> heartbeated = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TopicRoutes(MQClientInstance client, Duration interval) {
        this.client = client;
        this.intervalMillis = interval.toMillis();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ferry-rocketmq-discovery");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleWithFixedDelay(this::refreshAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * The current route of {@code topic}, fetched now if this is its first use (or it was
     * absent a while ago); from then on the topic is kept current.
     */
    TopicRoute route(String topic) {
        Watched w = topics.computeIfAbsent(topic, Watched::new);
        TopicRoute r = w.route;
        if (r == null || (!r.exists() && System.currentTimeMillis() - w.fetchedAt > ABSENT_RECHECK_MILLIS)) {
            synchronized (w) {
                r = w.route;
                if (r == null || (!r.exists() && System.currentTimeMillis() - w.fetchedAt > ABSENT_RECHECK_MILLIS)) {
                    r = refresh(w);
                }
            }
        }
        return r;
    }

    /** The route last fetched for {@code topic}, or null if it was never fetched; never asks the NameServer. */
    TopicRoute current(String topic) {
        Watched w = topics.get(topic);
        return w == null ? null : w.route;
    }

    /** Calls {@code listener} with every changed route of {@code topic} (not with the current one). */
    void listen(String topic, Consumer<TopicRoute> listener) {
        topics.computeIfAbsent(topic, Watched::new).listeners.add(listener);
    }

    void unlisten(String topic, Consumer<TopicRoute> listener) {
        Watched w = topics.get(topic);
        if (w != null) {
            w.listeners.remove(listener);
        }
    }

    /** Fetches the route of {@code topic} soon, off the caller's thread: after a failed send. */
    void refreshSoon(String topic) {
        Watched w = topics.get(topic);
        if (w == null || closed || System.currentTimeMillis() - w.fetchedAt < MIN_REFRESH_GAP_MILLIS
                || !w.refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.execute(() -> {
                w.refreshQueued.set(false);
                synchronized (w) {
                    refresh(w);
                }
            });
        } catch (RuntimeException rejectedAtClose) {
            w.refreshQueued.set(false);
        }
    }

    /** Runs {@code task} on the discovery thread after {@code delayMillis} (for short client chores). */
    void later(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejectedAtClose) {
            // closing: nothing left to do
        }
    }

    /** Notes a failed send to {@code broker}: calls not bound to a broker avoid it for a second. */
    void markFailed(String broker) {
        failedBrokers.put(broker, System.currentTimeMillis());
    }

    /** Whether a send to {@code broker} failed within the last second. */
    boolean isolated(String broker) {
        Long at = failedBrokers.get(broker);
        if (at == null) {
            return false;
        }
        if (System.currentTimeMillis() - at > ISOLATION_MILLIS) {
            failedBrokers.remove(broker, at);
            return false;
        }
        return true;
    }

    /** Clears the isolation of {@code broker} after a send to it succeeded. */
    void markHealthy(String broker) {
        if (!failedBrokers.isEmpty()) {
            failedBrokers.remove(broker);
        }
    }

    /**
     * Whether the consumer group {@code group} of {@code topic} has a consumer online, as the
     * broker that carries the topic says. Asked synchronously on first use, then kept current
     * every discovery interval; a failed query counts as "none".
     */
    boolean hasConsumers(String topic, String group) {
        Presence p = groups.computeIfAbsent(group, g -> new Presence(topic, g));
        if (!p.checked) {
            synchronized (p) {
                if (!p.checked) {
                    refresh(p);
                }
            }
        }
        return p.online;
    }

    /** Asks again at once whether the groups of {@code topic} are online (e.g. after a tagged call timed out). */
    void refreshPresenceSoon(String topic) {
        for (Presence p : groups.values()) {
            if (p.topic.equals(topic)) {
                try {
                    timer.execute(() -> {
                        synchronized (p) {
                            refresh(p);
                        }
                    });
                } catch (RuntimeException rejectedAtClose) {
                    return;
                }
            }
        }
    }

    private void refreshAll() {
        for (Watched w : topics.values()) {
            if (closed) {
                return;
            }
            synchronized (w) {
                refresh(w);
            }
        }
        for (Presence p : groups.values()) {
            if (closed) {
                return;
            }
            synchronized (p) {
                refresh(p);
            }
        }
    }

    private TopicRoute refresh(Watched w) {
        TopicRoute previous = w.route;
        TopicRoute next;
        try {
            TopicRouteData data = client.getMQClientAPIImpl().getTopicRouteInfoFromNameServer(w.topic, RPC_TIMEOUT_MILLIS, false);
            next = data == null ? TopicRoute.absent(w.topic) : TopicRoute.of(w.topic, data);
        } catch (MQClientException e) {
            if (e.getResponseCode() == ResponseCode.TOPIC_NOT_EXIST) {
                next = TopicRoute.absent(w.topic);
            } else {
                log.debug("route of {} not refreshed: {}", w.topic, e.toString());
                next = previous != null ? previous : TopicRoute.absent(w.topic);
            }
        } catch (RemotingException | RuntimeException e) {
            // The NameServer is unreachable: keep using what was known.
            log.debug("route of {} not refreshed: {}", w.topic, e.toString());
            next = previous != null ? previous : TopicRoute.absent(w.topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return previous != null ? previous : TopicRoute.absent(w.topic);
        }
        w.fetchedAt = System.currentTimeMillis();
        if (next.exists() && !next.equals(previous)) {
            prepareReplies(next);
        }
        w.route = next;
        if (previous != null && !next.equals(previous)) {
            log.info("route of {} changed: {}", w.topic, describe(next));
            for (Consumer<TopicRoute> l : w.listeners) {
                try {
                    l.accept(next);
                } catch (RuntimeException e) {
                    log.warn("route listener of {} failed: {}", w.topic, e.toString());
                }
            }
        }
        return next;
    }

    /**
     * Makes the client know every broker that may carry a reply for calls on {@code route}:
     * loads the route into the client's own tables (which it then refreshes too), loads the
     * reply topic of each cluster, and heartbeats every broker when one is new.
     */
    private void prepareReplies(TopicRoute route) {
        boolean fresh = false;
        try {
            client.updateTopicRouteInfoFromNameServer(route.topic());
            for (TopicRoute.BrokerRoute b : route.brokers()) {
                fresh |= heartbeated.add(b.address());
            }
            for (String cluster : route.clusters()) {
                String replyTopic = MixAll.getReplyTopic(cluster);
                client.updateTopicRouteInfoFromNameServer(replyTopic);
                TopicRouteData replies = client.getMQClientAPIImpl().getTopicRouteInfoFromNameServer(replyTopic, RPC_TIMEOUT_MILLIS, false);
                for (var b : replies.getBrokerDatas()) {
                    for (String addr : b.getBrokerAddrs().values()) {
                        fresh |= heartbeated.add(addr);
                    }
                }
            }
        } catch (MQClientException | RemotingException | RuntimeException e) {
            log.debug("reply route not loaded for {}: {}", route.topic(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (fresh) {
            // The lock may be held by the periodic heartbeat, which may predate the new brokers.
            for (int i = 0; i < 20 && !client.sendHeartbeatToAllBrokerWithLock(); i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void refresh(Presence p) {
        TopicRoute route = route(p.topic);
        boolean online = false;
        for (TopicRoute.BrokerRoute b : route.brokers()) {
            try {
                List<String> ids = client.getMQClientAPIImpl().getConsumerIdListByGroup(b.address(), p.group, RPC_TIMEOUT_MILLIS);
                online = ids != null && !ids.isEmpty();
                break;
            } catch (MQBrokerException e) {
                // CONSUMER_NOT_ONLINE and the like: the broker answered, nobody is there.
                online = false;
                break;
            } catch (RemotingException | RuntimeException e) {
                log.debug("cannot ask {} about group {}: {}", b.address(), p.group, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (p.checked && p.online != online) {
            log.info("provider group {} is now {}", p.group, online ? "online" : "offline");
        }
        p.online = online;
        p.checked = true;
    }

    private static String describe(TopicRoute r) {
        if (!r.exists()) {
            return "no route";
        }
        StringBuilder sb = new StringBuilder();
        for (TopicRoute.BrokerRoute b : r.brokers()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(b.name()).append('@').append(b.address())
                    .append('/').append(b.queues().size()).append('q');
        }
        return sb.length() == 0 ? "no writable broker" : sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }

    private static final class Watched {
        final String topic;
        final List<Consumer<TopicRoute>> listeners = new CopyOnWriteArrayList<>();
        final AtomicBoolean refreshQueued = new AtomicBoolean();
        volatile TopicRoute route;
        volatile long fetchedAt;

        Watched(String topic) {
            this.topic = Objects.requireNonNull(topic);
        }
    }

    private static final class Presence {
        final String topic;
        final String group;
        volatile boolean online;
        volatile boolean checked;

        Presence(String topic, String group) {
            this.topic = topic;
            this.group = group;
        }
    }
}
