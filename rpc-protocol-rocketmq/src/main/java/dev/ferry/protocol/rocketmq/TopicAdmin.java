package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.exception.RemotingException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes sure a request topic exists before a provider subscribes to it.
 *
 * <p>With {@code createTopics} on, it creates the topic on every master broker known to the
 * NameServer that does not carry it yet — the admin call behind
 * {@code mqadmin updateTopic -c <cluster>}, which works whether or not the brokers
 * auto-create topics — and waits until the NameServer routes it. A topic that exists is left
 * as it is. With {@code createTopics} off, or when creation is refused (ACLs), a missing topic
 * fails the export with the command an operator runs to create it.
 */
final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_MILLIS = 3000;
    private static final long ROUTE_WAIT_NANOS = 10_000_000_000L;

    private TopicAdmin() {
    }

    static void ensure(RocketMqClient client, RocketMqProtocolConfig config, String topic) {
        MQClientAPIImpl api = client.instance().getMQClientAPIImpl();
        String createFailure = null;
        if (config.createTopics()) {
            try {
                Map<String, String> missing = mastersWithout(api, topic);
                for (Map.Entry<String, String> m : missing.entrySet()) {
                    TopicConfig tc = new TopicConfig(topic, config.queuesPerTopic(), config.queuesPerTopic(),
                            PermName.PERM_READ | PermName.PERM_WRITE);
                    api.createTopic(m.getValue(), TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, tc, TIMEOUT_MILLIS);
                    log.info("created topic {} on broker {} ({} queues)", topic, m.getKey(), config.queuesPerTopic());
                }
                if (!missing.isEmpty()) {
                    awaitRoute(api, topic, missing);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                createFailure = "interrupted";
            } catch (Exception e) {
                createFailure = e.getMessage();
            }
        }
        if (route(api, topic) == null) {
            throw new IllegalStateException("request topic " + topic + " does not exist"
                    + (createFailure != null ? " and could not be created (" + createFailure + ")"
                            : config.createTopics() ? " and no master broker was found to create it on"
                            : " and createTopics is off")
                    + "; create it with: " + command(config, topic));
        }
        if (createFailure != null) {
            log.warn("topic {} exists but could not be created on every master broker ({}); to add it to one: {}",
                    topic, createFailure, command(config, topic));
        }
    }

    /** The {@code mqadmin} command that creates {@code topic} on a cluster's masters. */
    static String command(RocketMqProtocolConfig config, String topic) {
        return "mqadmin updateTopic -n " + config.nameServer() + " -c <cluster> -t " + topic + " -r "
                + config.queuesPerTopic() + " -w " + config.queuesPerTopic();
    }

    /** Broker name to master address of every master that does not route {@code topic}. */
    private static Map<String, String> mastersWithout(MQClientAPIImpl api, String topic) throws Exception {
        ClusterInfo cluster = api.getBrokerClusterInfo(TIMEOUT_MILLIS);
        TopicRouteData route = route(api, topic);
        Map<String, String> missing = new LinkedHashMap<>();
        for (BrokerData b : cluster.getBrokerAddrTable().values()) {
            String master = b.getBrokerAddrs() == null ? null : b.getBrokerAddrs().get(MixAll.MASTER_ID);
            if (master == null) {
                continue;
            }
            boolean routed = route != null && route.getQueueDatas().stream()
                    .anyMatch(q -> q.getBrokerName().equals(b.getBrokerName()));
            if (!routed) {
                missing.put(b.getBrokerName(), master);
            }
        }
        return missing;
    }

    private static void awaitRoute(MQClientAPIImpl api, String topic, Map<String, String> created) {
        long deadline = System.nanoTime() + ROUTE_WAIT_NANOS;
        while (System.nanoTime() - deadline < 0) {
            TopicRouteData route = route(api, topic);
            if (route != null && created.keySet().stream().allMatch(name -> route.getQueueDatas().stream()
                    .anyMatch(q -> q.getBrokerName().equals(name)))) {
                return;
            }
            LockSupport.parkNanos(20_000_000L);
        }
        log.warn("topic {} created, but the NameServer does not route it on every broker yet", topic);
    }

    /** The route of {@code topic}, or null when the NameServer has none (or cannot be asked). */
    static TopicRouteData route(MQClientAPIImpl api, String topic) {
        try {
            TopicRouteData data = api.getTopicRouteInfoFromNameServer(topic, TIMEOUT_MILLIS, false);
            return data == null || data.getQueueDatas() == null || data.getQueueDatas().isEmpty() ? null : data;
        } catch (MQClientException e) {
            if (e.getResponseCode() != ResponseCode.TOPIC_NOT_EXIST) {
                log.debug("route of {} unknown: {}", topic, e.toString());
            }
            return null;
        } catch (RemotingException | RuntimeException e) {
            log.debug("route of {} unknown: {}", topic, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
