package dev.ferry.cluster.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A hashed timer wheel: tasks land in the slot of their deadline tick and one daemon thread
 * advances a slot per tick, running what is due. Adding and cancelling cost O(1), so thousands
 * of pending retries cost no more than a few. Precision is one tick. The thread starts with the
 * first task and is stopped by {@link #stop()}.
 */
final class TimerWheel {

    private final long tickNanos;
    private final List<ArrayDeque<Task>> slots;
    private final Queue<Task> incoming = new ConcurrentLinkedQueue<>();
    private final String threadName;
    private final LongSupplier clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile Thread worker;
    private long startNanos;

    TimerWheel(String threadName, long tick, TimeUnit unit, int slots) {
        this(threadName, tick, unit, slots, System::nanoTime);
    }

    TimerWheel(String threadName, long tick, TimeUnit unit, int slots, LongSupplier clock) {
        if (tick <= 0 || slots <= 0) {
            throw new IllegalArgumentException("tick and slots must be positive");
        }
        this.tickNanos = unit.toNanos(tick);
        this.threadName = threadName;
        this.clock = clock;
        this.slots = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            this.slots.add(new ArrayDeque<>());
        }
    }

    /** Runs {@code task} on the wheel's thread after about {@code delayNanos}; the handle cancels it. */
    Task schedule(Runnable task, long delayNanos) {
        if (stopped) {
            throw new IllegalStateException("timer " + threadName + " is stopped");
        }
        ensureStarted();
        Task t = new Task(task, clock.getAsLong() + Math.max(0, delayNanos));
        incoming.add(t);
        return t;
    }

    /** Stops the thread; tasks not yet run never run. */
    void stop() {
        stopped = true;
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
    }

    private void ensureStarted() {
        if (started.compareAndSet(false, true)) {
            startNanos = clock.getAsLong();
            Thread t = new Thread(this::run, threadName);
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    private void run() {
        long tick = 0;
        while (!stopped) {
            long deadline = startNanos + (tick + 1) * tickNanos;
            long sleep = deadline - clock.getAsLong();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    if (stopped) {
                        return;
                    }
                }
                continue;
            }
            transferIncoming(tick);
            ArrayDeque<Task> slot = slots.get((int) (tick % slots.size()));
            long now = clock.getAsLong();
            for (Iterator<Task> it = slot.iterator(); it.hasNext(); ) {
                Task t = it.next();
                if (t.cancelled) {
                    it.remove();
                } else if (t.deadline <= now) {
                    it.remove();
                    try {
                        t.task.run();
                    } catch (RuntimeException e) {
                        // A failing task must not stop the wheel; the task logs its own failures.
                    }
                }
            }
            tick++;
        }
    }

    private void transferIncoming(long currentTick) {
        for (Task t; (t = incoming.poll()) != null; ) {
            if (t.cancelled) {
                continue;
            }
            long due = Math.max(currentTick, (t.deadline - startNanos + tickNanos - 1) / tickNanos);
            slots.get((int) (due % slots.size())).add(t);
        }
    }

    /** A scheduled task; {@link #cancel()} keeps it from running. */
    static final class Task {
        final Runnable task;
        final long deadline;
        volatile boolean cancelled;

        Task(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        void cancel() {
            cancelled = true;
        }
    }
}
