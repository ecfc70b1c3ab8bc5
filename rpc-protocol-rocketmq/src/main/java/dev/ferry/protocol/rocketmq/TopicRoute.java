package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a request topic can be written, as the NameServer last said: each master broker that
 * carries writable queues of the topic, with its cluster, address and queues, sorted by broker
 * name. Immutable; compared by value to tell a changed route.
 *
 * @param topic   the topic
 * @param exists  false when the NameServer knows no route for the topic
 * @param brokers the brokers that take writes, by name
 */
record TopicRoute(String topic, boolean exists, List<BrokerRoute> brokers) {

    TopicRoute {
        brokers = List.copyOf(brokers);
    }

    /** The route of a topic the NameServer does not know. */
    static TopicRoute absent(String topic) {
        return new TopicRoute(topic, false, List.of());
    }

    /** The writable part of a route as the NameServer returns it. */
    static TopicRoute of(String topic, TopicRouteData data) {
        List<BrokerRoute> brokers = new ArrayList<>();
        for (QueueData q : data.getQueueDatas()) {
            if (!PermName.isWriteable(q.getPerm()) || q.getWriteQueueNums() <= 0) {
                continue;
            }
            for (BrokerData b : data.getBrokerDatas()) {
                if (!b.getBrokerName().equals(q.getBrokerName()) || b.getBrokerAddrs() == null) {
                    continue;
                }
                String master = b.getBrokerAddrs().get(MixAll.MASTER_ID);
                if (master == null) {
                    continue; // a broker set without a master takes no writes
                }
                List<MessageQueue> queues = new ArrayList<>(q.getWriteQueueNums());
                for (int i = 0; i < q.getWriteQueueNums(); i++) {
                    queues.add(new MessageQueue(topic, b.getBrokerName(), i));
                }
                brokers.add(new BrokerRoute(b.getBrokerName(), b.getCluster(), master, queues));
            }
        }
        brokers.sort(Comparator.comparing(BrokerRoute::name));
        return new TopicRoute(topic, true, brokers);
    }

    /** The broker called {@code name}, or null when it takes no writes of this topic. */
    BrokerRoute broker(String name) {
        for (BrokerRoute b : brokers) {
            if (b.name.equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** The clusters of the brokers, whose reply topics carry the replies. */
    Set<String> clusters() {
        Set<String> clusters = new LinkedHashSet<>();
        for (BrokerRoute b : brokers) {
            if (b.cluster != null) {
                clusters.add(b.cluster);
            }
        }
        return Collections.unmodifiableSet(clusters);
    }

    /**
     * One master broker of a route.
     *
     * @param name    broker name
     * @param cluster cluster name
     * @param address {@code host:port} of the master
     * @param queues  the topic's writable queues on it
     */
    record BrokerRoute(String name, String cluster, String address, List<MessageQueue> queues) {

        BrokerRoute {
            queues = List.copyOf(queues);
        }
    }
}
