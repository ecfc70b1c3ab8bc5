package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InheritedRequestsTest {

    private static final String TOPIC = "ferry_t";
    private static final MessageQueue Q0 = new MessageQueue(TOPIC, "b", 0);
    private static final MessageQueue Q1 = new MessageQueue(TOPIC, "b", 1);

    private final Map<MessageQueue, Long> ends = new HashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final InheritedRequests inherited = new InheritedRequests(q -> {
        asked.incrementAndGet();
        Long end = ends.get(q);
        if (end == null) {
            throw new IllegalStateException("broker unreachable");
        }
        return end;
    });

    @Test
    void messagesStoredBeforeTheQueueWasHeldAreInherited() {
        ends.put(Q0, 5L);
        inherited.held(TOPIC, Set.of(Q0));
        assertTrue(inherited.inherited(message(Q0, 0, 0)));
        assertTrue(inherited.inherited(message(Q0, 4, 0)));
        assertFalse(inherited.inherited(message(Q0, 5, 0)), "stored after: only this provider had it");
        assertEquals(1, asked.get(), "measured once, when the queue came");
    }

    @Test
    void aQueueSeenBeforeRebalancingToldOfItIsMeasuredAtItsFirstMessage() {
        ends.put(Q1, 3L);
        assertTrue(inherited.inherited(message(Q1, 2, 0)));
        assertFalse(inherited.inherited(message(Q1, 3, 0)));
    }

    @Test
    void anUnknownEndCountsEveryMessageAsInheritedUntilItIsKnown() {
        inherited.held(TOPIC, Set.of(Q0));
        assertTrue(inherited.inherited(message(Q0, 1_000_000, 0)));
        ends.put(Q0, 10L);
        assertFalse(inherited.inherited(message(Q0, 11, 0)), "measured again once the broker answers");
    }

    @Test
    void aQueueThatLeftAndCameBackIsMeasuredAgain() {
        ends.put(Q0, 2L);
        inherited.held(TOPIC, Set.of(Q0, Q1));
        inherited.held(TOPIC, Set.of(Q1));
        ends.put(Q0, 9L);
        inherited.held(TOPIC, Set.of(Q0, Q1));
        assertTrue(inherited.inherited(message(Q0, 8, 0)), "another provider held it in between");
    }

    @Test
    void redeliveriesFromTheRetryQueueAreAlwaysInherited() {
        ends.put(Q0, 0L);
        inherited.held(TOPIC, Set.of(Q0));
        assertTrue(inherited.inherited(message(Q0, 100, 1)));
    }

    private static MessageExt message(MessageQueue q, long offset, int reconsumeTimes) {
        MessageExt m = new MessageExt();
        m.setTopic(q.getTopic());
        m.setBrokerName(q.getBrokerName());
        m.setQueueId(q.getQueueId());
        m.setQueueOffset(offset);
        m.setReconsumeTimes(reconsumeTimes);
        return m;
    }
}
