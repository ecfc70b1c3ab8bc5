package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pulls pause only while more requests are fetched than the consume threads can run, for about
 * as long as the waiting requests keep the threads busy.
 */
class PullPacingTest {

    private static final long MS = 1_000_000;

    private final DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("pacing_test");
    private final ProcessQueue first = queue(0);
    private final ProcessQueue second = queue(1);
    private final AtomicLong clock = new AtomicLong(1_000 * MS);

    @Test
    void aBacklogOverTheThreadsPausesPullsAndItsEndResumesThem() {
        PullPacing pacing = new PullPacing(consumer, 4, 2, clock::get);
        pacing.update();
        assertEquals(0, consumer.getPullInterval(), "nothing fetched: no pause");

        List<MessageExt> a = fetch(first, 0, 3);
        List<MessageExt> b = fetch(second, 0, 1);
        pacing.update();
        assertEquals(0, consumer.getPullInterval(), "as many fetched as threads: none waits, no pause");

        List<MessageExt> c = fetch(second, 1, 1);
        pacing.update();
        assertEquals(1, consumer.getPullInterval(), "one more than the threads, over two queues: pause");

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
    void thePauseLastsAsLongAsTheWaitingRequestsKeepTheThreadsBusy() {
        PullPacing pacing = new PullPacing(consumer, 4, 5, clock::get);
        startsEvery(pacing, MS / 2, 40); // requests start every 0.5 ms
        fetch(first, 0, 4 + 2);
        startsEvery(pacing, MS / 2, 1);
        assertEquals(1, consumer.getPullInterval(), "2 waiting, 0.5 ms apart: 1 ms of work");
        fetch(second, 0, 4);
        startsEvery(pacing, MS / 2, 1);
        assertEquals(3, consumer.getPullInterval(), "6 waiting: 3 ms");
        fetch(second, 4, 40);
        startsEvery(pacing, MS / 2, 1);
        assertEquals(5, consumer.getPullInterval(), "46 waiting: 23 ms of work, held to the longest pause");
    }

    @Test
    void aShallowBacklogOfFastRequestsGetsTheShortestPause() {
        PullPacing pacing = new PullPacing(consumer, 4, 5, clock::get);
        fetch(first, 0, 4 + 3);
        startsEvery(pacing, MS / 100, 60); // 10 µs apart: 3 waiting are 30 µs of work
        assertEquals(1, consumer.getPullInterval(), "at least RocketMQ's unit, 1 ms, while any request waits");
    }

    @Test
    void anIdleSpellDoesNotHoldTheNextBurstBack() {
        PullPacing pacing = new PullPacing(consumer, 4, 5, clock::get);
        startsEvery(pacing, MS / 10, 60);
        clock.addAndGet(60_000 * MS); // a minute without calls
        fetch(first, 0, 4 + 20);
        startsEvery(pacing, 0, 1);
        assertEquals(5, consumer.getPullInterval(), "the idle minute counts as one longest pause");
        startsEvery(pacing, MS / 10, 24); // the burst starts 0.1 ms apart
        assertEquals(2, consumer.getPullInterval(), "20 waiting, 0.1 ms apart, once the burst has run a while");
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

    /** {@code n} requests start, {@code gapNanos} apart. */
    private void startsEvery(PullPacing pacing, long gapNanos, int n) {
        for (int i = 0; i < n; i++) {
            clock.addAndGet(gapNanos);
            pacing.update();
        }
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
