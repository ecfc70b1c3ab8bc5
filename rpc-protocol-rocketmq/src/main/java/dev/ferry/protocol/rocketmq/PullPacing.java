package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Paces a provider's pulls by its backlog: while more requests are fetched than its consume
 * threads can run, each queue's next pull waits a moment after one that returned requests.
 * The requests that arrive meanwhile come in the same pull, instead of one pull each, and
 * none waits longer, since none of them could start sooner. Without a backlog, pulls follow
 * each other at once (RocketMQ's default), so a lightly loaded provider gains no latency.
 *
 * <p>The pause is as long as the requests already waiting keep the threads busy: their number
 * times the mean time between starts of requests, at least 1 ms (RocketMQ's unit) and at most
 * the configured pause. A deep backlog thus gets long pauses and many requests per pull, a
 * shallow one short pauses, and the next pull comes about when the threads would run out of
 * fetched requests, not after.
 */
final class PullPacing {

    /** Weight of the newest gap in the mean, as a shift: 1/8. */
    private static final int MEAN_SHIFT = 3;

    private final DefaultMQPushConsumer consumer;
    /** The consumer's queues with what it fetched of each: one table for the consumer's life. */
    private final Map<?, ProcessQueue> queues;
    private final int threads;
    private final long maxPauseMillis;
    private final long maxPauseNanos;
    private final LongSupplier nanoClock;
    // Written by every consume thread without a lock: a lost update only blurs an estimate.
    private volatile long lastStart;
    private volatile long meanGapNanos;

    PullPacing(DefaultMQPushConsumer consumer, int threads, long maxPauseMillis) {
        this(consumer, threads, maxPauseMillis, System::nanoTime);
    }

    PullPacing(DefaultMQPushConsumer consumer, int threads, long maxPauseMillis, LongSupplier nanoClock) {
        this.consumer = consumer;
        this.queues = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable();
        this.threads = threads;
        this.maxPauseMillis = maxPauseMillis;
        this.maxPauseNanos = maxPauseMillis * 1_000_000;
        this.nanoClock = nanoClock;
        this.lastStart = nanoClock.getAsLong();
        this.meanGapNanos = maxPauseNanos;
    }

    /** Called as a request starts: looks at the backlog and sets the pull pause to match. */
    void update() {
        if (maxPauseMillis <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        // A gap longer than the longest pause (an idle spell) counts as that pause: it says no
        // more about how fast a backlog drains, and a mean that never forgets it would hold
        // pulls back long after the next burst.
        long gap = Math.min(Math.max(now - lastStart, 0), maxPauseNanos);
        lastStart = now;
        long mean = meanGapNanos + ((gap - meanGapNanos) >> MEAN_SHIFT);
        meanGapNanos = mean;
        long fetched = 0;
        for (ProcessQueue q : queues.values()) {
            fetched += q.getMsgCount().get();
        }
        long waiting = fetched - threads;
        long wanted = waiting <= 0 ? 0 : Math.max(1, Math.min(maxPauseMillis, waiting * mean / 1_000_000));
        // Compared with the consumer's own setting, not a flag of ours: two threads that race
        // leave it as the later one saw it, and the next call sets it right.
        if (consumer.getPullInterval() != wanted) {
            consumer.setPullInterval(wanted);
        }
    }
}
