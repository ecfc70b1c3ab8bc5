package dev.ferry.core.transport;

import java.util.concurrent.TimeUnit;

/**
 * The timer wheel shared by every pending call in the JVM: a call's timeout is a cancellable
 * entry on it, so no caller thread sleeps waiting for a reply.
 */
public final class Timeouts {

    /** Resolution of call timeouts. */
    public static final long TICK_MILLIS = 10;

    private static final TimerWheel WHEEL = new TimerWheel(TICK_MILLIS, TimeUnit.MILLISECONDS, 1024, r -> {
        Thread t = new Thread(r, "ferry-timeouts");
        t.setDaemon(true);
        return t;
    });

    private Timeouts() {
    }

    /** Runs {@code task} after {@code millis} (to within one tick), unless cancelled first. */
    public static TimerWheel.Timeout schedule(Runnable task, long millis) {
        return WHEEL.schedule(task, millis, TimeUnit.MILLISECONDS);
    }
}
