package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pulls pause only while more requests are fetched than the consume threads can run. */
class PullPacingTest {

    private final DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("pacing_test");
    private final ProcessQueue first = queue(0);
    private final ProcessQueue second = queue(1);

    @Test
    void aBacklogOverTheThreadsPausesPullsAndItsEndResumesThem() {
        PullPacing pacing = new PullPacing(consumer, 4, 2);
        pacing.update();
        assertEquals(0, consumer.getPullInterval(), "nothing fetched: no pause");

        List<MessageExt> a = fetch(first, 0, 3);
        List<MessageExt> b = fetch(second, 0, 1);
        pacing.update();
        assertEquals(0, consumer.getPullInterval(), "as many fetched as threads: none waits, no pause");

        List<MessageExt> c = fetch(second, 1, 1);
        pacing.update();
        assertEquals(2, consumer.getPullInterval(), "one more than the threads, over two queues: pause");

        first.removeMessage(a.subList(0, 1));
        pacing.update();
        assertEquals(0, consumer.getPullInterval(), "back to as many as threads: pulls at once again");

        first.removeMessage(a.subList(1, 3));
        second.removeMessage(b);
        second.removeMessage(c);
        pacing.update();
        assertEquals(0, consumer.getPullInterval());
    }

    @Test
    void aPauseLeftBehindWithoutABacklogIsUndone() {
        // As two consume threads that raced may leave it: paused, with nothing waiting.
        consumer.setPullInterval(2);
        fetch(first, 0, 3);
        new PullPacing(consumer, 4, 2).update();
        assertEquals(0, consumer.getPullInterval());
    }

    @Test
    void aZeroPauseNeverTouchesTheConsumer() {
        consumer.setPullInterval(7);
        fetch(first, 0, 50);
        new PullPacing(consumer, 1, 0).update();
        assertEquals(7, consumer.getPullInterval());
    }

    private ProcessQueue queue(int id) {
        ProcessQueue q = new ProcessQueue();
        consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable()
                .put(new MessageQueue("ferry_t", "broker-a", id), q);
        return q;
    }

    /** What the client does with a pull's messages: puts them on the queue's process queue. */
    private static List<MessageExt> fetch(ProcessQueue q, long fromOffset, int n) {
        List<MessageExt> msgs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MessageExt m = new MessageExt();
            m.setTopic("ferry_t");
            m.setQueueOffset(fromOffset + i);
            msgs.add(m);
        }
        q.putMessage(msgs);
        return msgs;
    }
}
