package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells which requests a provider inherited from an earlier holder of their queue: those stored
 * before this provider held the queue, and redeliveries from the group's retry queue. Such a
 * request may have run on a provider that answered it and then died before its acknowledgement
 * (the consumed offset, stored every few seconds) reached the broker; the broker then delivers
 * it again, to whoever holds the queue now, and that provider's own memory of recent requests
 * has never seen it.
 *
 * <p>Where this provider's queue begins is the queue's end offset when the provider got it
 * (measured when rebalancing hands it the queue, else at its first message from the queue,
 * which only moves the boundary later: more requests count as inherited, never fewer).
 *
 * <p>Thread-safe.
 */
final class InheritedRequests {

    /** The end offset of a queue, from its broker. */
    @FunctionalInterface
    interface EndOffsets {
        long endOffset(MessageQueue queue) throws Exception;
    }

    private static final long UNKNOWN = Long.MAX_VALUE;

    private final EndOffsets endOffsets;
    /** Per held queue: the first offset stored while this provider held it. */
    private final Map<MessageQueue, Long> ownFrom = new ConcurrentHashMap<>();

    InheritedRequests(EndOffsets endOffsets) {
        this.endOffsets = endOffsets;
    }

    /** Rebalancing gave this provider {@code queues} of {@code topic}: remember where each new one begins. */
    void held(String topic, Set<MessageQueue> queues) {
        ownFrom.keySet().removeIf(q -> q.getTopic().equals(topic) && !queues.contains(q));
        for (MessageQueue q : queues) {
            if (!ownFrom.containsKey(q)) {
                ownFrom.put(q, measure(q));
            }
        }
    }

    /** Whether {@code msg} may have been taken by another provider before this one. */
    boolean inherited(MessageExt msg) {
        if (msg.getReconsumeTimes() > 0) {
            return true; // a redelivery from the retry queue: any provider of the group may have run it
        }
        MessageQueue queue = new MessageQueue(msg.getTopic(), msg.getBrokerName(), msg.getQueueId());
        Long from = ownFrom.get(queue);
        if (from == null || from == UNKNOWN) {
            from = measure(queue);
            ownFrom.put(queue, from);
        }
        return msg.getQueueOffset() < from;
    }

    private long measure(MessageQueue queue) {
        try {
            return endOffsets.endOffset(queue);
        } catch (Exception e) {
            return UNKNOWN; // every message of the queue counts as inherited until it is known
        }
    }
}
