package dev.ferry.cluster.support;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerWheelTest {

    @Test
    void runsTasksInDeadlineOrderAcrossRoundsAndSkipsCancelledOnes() throws Exception {
        // 8 slots of 10 ms: the 150 ms task goes round the wheel once before it is due.
        TimerWheel wheel = new TimerWheel("test-wheel", 10, TimeUnit.MILLISECONDS, 8);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        try {
            wheel.schedule(() -> { ran.add("late"); done.countDown(); }, TimeUnit.MILLISECONDS.toNanos(150));
            wheel.schedule(() -> { ran.add("early"); done.countDown(); }, TimeUnit.MILLISECONDS.toNanos(20));
            TimerWheel.Task cancelled = wheel.schedule(() -> ran.add("cancelled"), TimeUnit.MILLISECONDS.toNanos(60));
            wheel.schedule(() -> { throw new IllegalStateException("a failing task"); }, 0);
            wheel.schedule(() -> { ran.add("now"); done.countDown(); }, 0);
            cancelled.cancel();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("now", "early", "late"), ran);
        } finally {
            wheel.stop();
        }
        assertThrows(IllegalStateException.class, () -> wheel.schedule(() -> { }, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel("bad", 0, TimeUnit.MILLISECONDS, 8));
    }
}
