package dev.ferry.protocol.rocketmq.embedded;

import org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.impl.consumer.RebalanceImpl;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.remoting.protocol.body.ProcessQueueInfo;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells when a started {@link DefaultMQPushConsumer} has been assigned its queues of a topic,
 * triggering the rebalance at once instead of waiting for RocketMQ's timers.
 *
 * <p>Why it is needed: a push consumer pulls only from queues its rebalance assigned to it. The
 * rebalance runs on the client's {@code RebalanceService} thread, which wakes up every 20 s
 * ({@code rocketmq.client.rebalance.waitInterval}) or when woken — and {@code start()} does wake
 * it — but never earlier than 1 s ({@code rocketmq.client.rebalance.minInterval}) after the
 * client instance was created. The rebalance also needs the topic's route (fetched from the
 * NameServer at start, then every 30 s) and the consumer's heartbeat at the broker (sent at
 * start, then every 30 s). This class refreshes the route, resends the heartbeat if the broker
 * does not list the consumer yet, runs the rebalance in the calling thread, checks the
 * consumer's process-queue table, and finally makes sure the brokers have the subscription
 * version that rebalance produced (else pulls fail with "subscription not latest" until the next
 * periodic heartbeat).
 *
 * <p>After it returns, messages flow: the rebalance schedules each new queue's first pull
 * 500 ms later ({@code RebalancePushImpl.dispatchPullRequest}), and that pull returns whatever
 * was sent since the rebalance fixed the queue's start offset; after it, messages come through
 * the broker's long polling within milliseconds.
 *
 * <p>Only for client-side rebalancing (the default); not for POP consumption.
 */
public final class ConsumerReadiness {

    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private ConsumerReadiness() {
    }

    /**
     * Waits until {@code consumer} holds every queue of {@code topic} that the rebalance gives
     * it: with clustering, its share under the consumer's allocation strategy among the
     * consumers the broker currently knows in its group (all queues when it is alone); with
     * broadcasting, all queues. Returns an empty set when the group has more consumers than the
     * topic has queues and this one gets none.
     *
     * @param consumer a started consumer that subscribes to {@code topic}
     * @param topic the topic, without the consumer's namespace
     * @return the queues the consumer holds
     * @throws IllegalArgumentException if the consumer does not subscribe to {@code topic}
     * @throws IllegalStateException if the consumer is not running, on timeout, or if
     *     interrupted (the interrupt flag is kept)
     */
    @SuppressWarnings("deprecation") // the consumer's internals have no public replacement
    public static Set<MessageQueue> await(DefaultMQPushConsumer consumer, String topic, Duration timeout) {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(topic, "topic");
        DefaultMQPushConsumerImpl impl = consumer.getDefaultMQPushConsumerImpl();
        if (impl.getServiceState() != ServiceState.RUNNING) {
            throw new IllegalStateException("consumer not running: " + impl.getServiceState());
        }
        String fullTopic = consumer.withNamespace(topic);
        RebalanceImpl rebalance = impl.getRebalanceImpl();
        if (!rebalance.getSubscriptionInner().containsKey(fullTopic)) {
            throw new IllegalArgumentException("consumer " + impl.groupName() + " does not subscribe to " + fullTopic);
        }
        MQClientInstance client = impl.getmQClientFactory();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastState = "no attempt";
        while (true) {
            // Cheap in-process calls and two small RPCs to local servers: fine to repeat.
            client.updateTopicRouteInfoFromNameServer(fullTopic);
            Set<MessageQueue> all = rebalance.getTopicSubscribeInfoTable().get(fullTopic);
            if (all == null || all.isEmpty()) {
                lastState = "no route for " + fullTopic + " at the NameServer";
            } else {
                Set<MessageQueue> expected = expectedShare(consumer, impl, client, fullTopic, all);
                if (expected == null) {
                    lastState = "the broker does not list client " + client.getClientId() + " in group " + impl.groupName();
                    client.sendHeartbeatToAllBrokerWithLock();
                } else {
                    Set<MessageQueue> held = held(rebalance, fullTopic);
                    if (!held.containsAll(expected)) {
                        lastState = "holds " + held + ", expects " + expected;
                    } else if (!heartbeatLatestSubscription(client, rebalance, fullTopic)) {
                        lastState = "holds its queues, but its latest subscription version did not reach the brokers";
                    } else {
                        return Collections.unmodifiableSet(held);
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("consumer " + impl.groupName() + " not ready for " + fullTopic
                    + " after " + timeout.toMillis() + " ms: " + lastState);
            }
            // Run the rebalance now, in this thread. RebalanceImpl tolerates a concurrent run
            // of the RebalanceService (a queue is added with putIfAbsent; the loser backs off).
            impl.doRebalance();
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the consumer's queues");
            }
        }
    }

    /**
     * Waits until no other consumer of {@code consumer}'s group still holds any of
     * {@code queues}, as each of them reports through the broker (the admin "consumer running
     * info" call). A consumer that joins a group is given its queues at once, but the members
     * that held them before let go only at their own next rebalance (at least a second after
     * their previous one): until then both pull the same queues and both receive their
     * messages.
     *
     * @return true when no other member holds them; false on timeout, or when a member cannot
     *     be asked (it then lets go at its next rebalance all the same)
     */
    @SuppressWarnings("deprecation") // the consumer's internals have no public replacement
    public static boolean awaitSoleHolder(DefaultMQPushConsumer consumer, String topic, Set<MessageQueue> queues,
                                          Duration timeout) {
        DefaultMQPushConsumerImpl impl = consumer.getDefaultMQPushConsumerImpl();
        MQClientInstance client = impl.getmQClientFactory();
        String fullTopic = consumer.withNamespace(topic);
        String group = impl.groupName();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> ids = client.findConsumerIdList(fullTopic, group);
            String broker = client.findBrokerAddrByTopic(fullTopic);
            boolean shared = false;
            if (ids == null || broker == null) {
                return false;
            }
            for (String id : ids) {
                if (id.equals(client.getClientId())) {
                    continue;
                }
                try {
                    ConsumerRunningInfo info = client.getMQClientAPIImpl().getConsumerRunningInfo(broker, group, id, false, 3000);
                    for (Map.Entry<MessageQueue, ProcessQueueInfo> e : info.getMqTable().entrySet()) {
                        if (queues.contains(e.getKey()) && !e.getValue().isDroped()) {
                            shared = true;
                        }
                    }
                } catch (Exception e) {
                    return false;
                }
            }
            if (!shared) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Sends a heartbeat and tells whether it carried the subscription's current version.
     *
     * <p>Every rebalance that changes a consumer's queues bumps its subscription version, and
     * pulls carry that version: a broker that has only an older one (from an older heartbeat)
     * answers "subscription not latest" and the pull is retried later. The rebalance sends the
     * new version with {@code sendHeartbeatToAllBrokerWithLockV2}, which gives up at once if
     * another heartbeat holds the lock (e.g. two rebalances at once) — then the brokers see the
     * new version only at the next periodic heartbeat, up to 30 s later.
     */
    private static boolean heartbeatLatestSubscription(MQClientInstance client, RebalanceImpl rebalance, String topic) {
        SubscriptionData subscription = rebalance.getSubscriptionInner().get(topic);
        long version = subscription.getSubVersion();
        // The heartbeat serializes the live SubscriptionData, so it carries >= version.
        return client.sendHeartbeatToAllBrokerWithLock() && subscription.getSubVersion() == version;
    }

    /** The queues the rebalance should give this consumer now, or null if the broker does not know it yet. */
    private static Set<MessageQueue> expectedShare(DefaultMQPushConsumer consumer, DefaultMQPushConsumerImpl impl,
                                                   MQClientInstance client, String topic, Set<MessageQueue> all) {
        if (impl.messageModel() == MessageModel.BROADCASTING) {
            return all;
        }
        List<String> consumerIds = client.findConsumerIdList(topic, impl.groupName());
        if (consumerIds == null || !consumerIds.contains(client.getClientId())) {
            return null;
        }
        // The same sorting as RebalanceImpl.rebalanceByTopic, so the strategy gives the same answer.
        List<MessageQueue> queues = new ArrayList<>(all);
        Collections.sort(queues);
        List<String> ids = new ArrayList<>(consumerIds);
        Collections.sort(ids);
        AllocateMessageQueueStrategy strategy = consumer.getAllocateMessageQueueStrategy();
        return new HashSet<>(strategy.allocate(impl.groupName(), client.getClientId(), queues, ids));
    }

    private static Set<MessageQueue> held(RebalanceImpl rebalance, String topic) {
        Set<MessageQueue> held = new HashSet<>();
        for (Map.Entry<MessageQueue, ProcessQueue> e : rebalance.getProcessQueueTable().entrySet()) {
            if (topic.equals(e.getKey().getTopic()) && !e.getValue().isDropped()) {
                held.add(e.getKey());
            }
        }
        return held;
    }
}
