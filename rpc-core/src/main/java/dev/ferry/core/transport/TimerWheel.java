package dev.ferry.core.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A hashed timer wheel for call timeouts: scheduling and cancelling cost a queue offer and a
 * flag, with no lock shared between callers, which matters when every call schedules a
 * timeout and nearly every one is cancelled by its reply. Expiry is accurate to one tick.
 *
 * <p>One worker thread moves new timeouts into their buckets and runs the expired ones.
 * Tasks run on that thread, so they must be short (completing a future is).
 */
public final class TimerWheel implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TimerWheel.class);

    private final long tickNanos;
    private final Bucket[] wheel;
    private final int mask;
    private final ConcurrentLinkedQueue<Timeout> incoming = new ConcurrentLinkedQueue<>();
    private final Thread worker;
    private final long start = System.nanoTime();
    private volatile boolean closed;
    private long tick;

    /**
     * @param tick      resolution of expiry
     * @param wheelSize buckets, rounded up to a power of two; a timeout longer than
     *                  {@code tick * wheelSize} goes around the wheel more than once
     */
    public TimerWheel(long tick, TimeUnit unit, int wheelSize, ThreadFactory threads) {
        if (tick <= 0 || wheelSize <= 0 || wheelSize > (1 << 20)) {
            throw new IllegalArgumentException("tick must be positive and wheel size 1.." + (1 << 20));
        }
        this.tickNanos = unit.toNanos(tick);
        int size = Integer.highestOneBit(wheelSize - 1 == 0 ? 1 : wheelSize - 1) << 1;
        this.wheel = new Bucket[size];
        for (int i = 0; i < size; i++) {
            wheel[i] = new Bucket();
        }
        this.mask = size - 1;
        this.worker = threads.newThread(this::run);
        worker.start();
    }

    /** Runs {@code task} after {@code delay}, unless the returned timeout is cancelled first. */
    public Timeout schedule(Runnable task, long delay, TimeUnit unit) {
        if (closed) {
            throw new IllegalStateException("timer is closed");
        }
        Timeout t = new Timeout(task, System.nanoTime() - start + Math.max(0, unit.toNanos(delay)));
        incoming.add(t);
        return t;
    }

    private void run() {
        while (!closed) {
            long deadline = (tick + 1) * tickNanos;
            long sleep;
            while ((sleep = deadline - (System.nanoTime() - start)) > 0) {
                LockSupport.parkNanos(sleep);
                if (closed) {
                    return;
                }
            }
            transferIncoming();
            wheel[(int) (tick & mask)].expire(deadline);
            tick++;
        }
    }

    private void transferIncoming() {
        // Bounded per tick so a flood of schedules cannot starve expiry.
        for (int i = 0; i < 100_000; i++) {
            Timeout t = incoming.poll();
            if (t == null) {
                return;
            }
            if (t.state.get() != Timeout.PENDING) {
                continue;
            }
            long due = Math.max(t.deadline / tickNanos, tick);
            t.rounds = (due - tick) / wheel.length;
            wheel[(int) (due & mask)].add(t);
        }
    }

    /** Stops the worker; pending timeouts never run. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(worker);
    }

    /** A scheduled task; {@link #cancel()} before expiry keeps it from running. */
    public static final class Timeout {
        static final int PENDING = 0;
        static final int CANCELLED = 1;
        static final int EXPIRED = 2;

        private final Runnable task;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        long rounds;
        Timeout next;
        Timeout prev;

        Timeout(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        /** True when this call kept the task from running. */
        public boolean cancel() {
            return state.compareAndSet(PENDING, CANCELLED);
        }

        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        public boolean isExpired() {
            return state.get() == EXPIRED;
        }
    }

    /** Touched by the worker thread only. */
    private static final class Bucket {
        private Timeout head;
        private Timeout tail;

        void add(Timeout t) {
            t.prev = tail;
            t.next = null;
            if (tail == null) {
                head = t;
            } else {
                tail.next = t;
            }
            tail = t;
        }

        void expire(long now) {
            Timeout t = head;
            while (t != null) {
                Timeout next = t.next;
                if (t.state.get() == Timeout.CANCELLED) {
                    remove(t);
                } else if (t.rounds <= 0 && t.deadline <= now) {
                    remove(t);
                    if (t.state.compareAndSet(Timeout.PENDING, Timeout.EXPIRED)) {
                        try {
                            t.task.run();
                        } catch (RuntimeException e) {
                            // One broken task must not stop every other timeout.
                            LOG.warn("timeout task failed: {}", e.toString());
                        }
                    }
                } else if (t.rounds > 0) {
                    t.rounds--;
                }
                t = next;
            }
        }

        private void remove(Timeout t) {
            if (t.prev == null) {
                head = t.next;
            } else {
                t.prev.next = t.next;
            }
            if (t.next == null) {
                tail = t.prev;
            } else {
                t.next.prev = t.prev;
            }
            t.next = null;
            t.prev = null;
        }
    }
}
