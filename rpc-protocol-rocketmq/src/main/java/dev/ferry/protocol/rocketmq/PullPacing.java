package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;

import java.util.Map;

/**
 * Paces a provider's pulls by its backlog: while more requests are fetched than its consume
 * threads can run, each queue's next pull waits a moment after one that returned requests.
 * The requests that arrive meanwhile come in the same pull, instead of one pull each, and
 * none waits longer, since none of them could start sooner. Without a backlog, pulls follow
 * each other at once (RocketMQ's default), so a lightly loaded provider gains no latency.
 */
final class PullPacing {

    private final DefaultMQPushConsumer consumer;
    /** The consumer's queues with what it fetched of each: one table for the consumer's life. */
    private final Map<?, ProcessQueue> queues;
    private final int threads;
    private final long pauseMillis;

    PullPacing(DefaultMQPushConsumer consumer, int threads, long pauseMillis) {
        this.consumer = consumer;
        this.queues = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable();
        this.threads = threads;
        this.pauseMillis = pauseMillis;
    }

    /** Called as a request starts: looks at the backlog and sets the pull pause to match. */
    void update() {
        if (pauseMillis <= 0) {
            return;
        }
        long fetched = 0;
        for (ProcessQueue q : queues.values()) {
            fetched += q.getMsgCount().get();
        }
        // Compared with the consumer's own setting, not a flag of ours: two threads that race
        // leave it as the later one saw it, and the next call sets it right.
        long wanted = fetched > threads ? pauseMillis : 0;
        if (consumer.getPullInterval() != wanted) {
            consumer.setPullInterval(wanted);
        }
    }
}
