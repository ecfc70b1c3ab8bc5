package dev.ferry.core.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerWheelTest {

    private final TimerWheel wheel = new TimerWheel(5, TimeUnit.MILLISECONDS, 8, r -> {
        Thread t = new Thread(r, "test-wheel");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void close() {
        wheel.close();
    }

    @Test
    void runsTasksNoEarlierThanTheirDelayIncludingSeveralRoundsAroundTheWheel() throws Exception {
        // 8 buckets of 5 ms: 200 ms is five rounds around the wheel.
        long[] delays = {0, 1, 7, 40, 41, 200};
        CountDownLatch done = new CountDownLatch(delays.length);
        AtomicInteger early = new AtomicInteger();
        for (long d : delays) {
            long start = System.nanoTime();
            wheel.schedule(() -> {
                if (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(d)) {
                    early.incrementAndGet();
                }
                done.countDown();
            }, d, TimeUnit.MILLISECONDS);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(0, early.get());
    }

    @Test
    void cancelledTasksNeverRun() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        TimerWheel.Timeout[] timeouts = new TimerWheel.Timeout[1000];
        for (int i = 0; i < timeouts.length; i++) {
            timeouts[i] = wheel.schedule(ran::incrementAndGet, 30, TimeUnit.MILLISECONDS);
        }
        for (TimerWheel.Timeout t : timeouts) {
            assertTrue(t.cancel());
            assertFalse(t.cancel());
        }
        CountDownLatch marker = new CountDownLatch(1);
        wheel.schedule(marker::countDown, 60, TimeUnit.MILLISECONDS);
        assertTrue(marker.await(10, TimeUnit.SECONDS));
        assertEquals(0, ran.get());
    }

    @Test
    void expiredTaskCannotBeCancelledAndAFailingTaskDoesNotStopOthers() throws Exception {
        wheel.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 1, TimeUnit.MILLISECONDS);
        CountDownLatch ran = new CountDownLatch(1);
        TimerWheel.Timeout t = wheel.schedule(ran::countDown, 2, TimeUnit.MILLISECONDS);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        Thread.sleep(20);
        assertTrue(t.isExpired());
        assertFalse(t.cancel());
    }

    @Test
    void manyThreadsScheduleAndCancelConcurrently() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 10_000; n++) {
                    TimerWheel.Timeout t = wheel.schedule(ran::incrementAndGet, 50, TimeUnit.MILLISECONDS);
                    if (n % 2 == 0) {
                        t.cancel();
                    }
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.get() < 40_000 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertEquals(40_000, ran.get());
    }

    @Test
    void refusesNonsenseAndWorkAfterClose() {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, TimeUnit.MILLISECONDS, 8, Thread::new));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(1, TimeUnit.MILLISECONDS, 0, Thread::new));
        wheel.close();
        assertThrows(IllegalStateException.class, () -> wheel.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
    }
}
