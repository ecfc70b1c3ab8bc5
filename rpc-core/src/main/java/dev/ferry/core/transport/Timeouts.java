package dev.ferry.core.transport;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon timer thread shared by every pending call; a call's timeout is a cancellable task
 * on it, so no caller thread sleeps waiting for a reply.
 */
public final class Timeouts {

    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "ferry-timeouts");
        t.setDaemon(true);
        return t;
    });

    static {
        // Most calls answer in time: drop their cancelled tasks at once instead of at expiry.
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private Timeouts() {
    }

    /** Runs {@code task} after {@code millis}, unless cancelled first. */
    public static ScheduledFuture<?> schedule(Runnable task, long millis) {
        return TIMER.schedule(task, Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
