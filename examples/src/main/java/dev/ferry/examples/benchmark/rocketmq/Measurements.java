package dev.ferry.examples.benchmark.rocketmq;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Runs calls one after another (latency) or from many threads at once (throughput). */
final class Measurements {

    private Measurements() {
    }

    /**
     * Latency percentiles of one side.
     *
     * @param p50Micros median
     * @param p99Micros 99th percentile
     */
    record Latency(double p50Micros, double p99Micros) {
    }

    /**
     * Throughput of one side at one concurrency.
     *
     * @param callsPerSecond     completed calls per second
     * @param cpuMicrosPerCall   CPU time of the whole process (callers, providers, broker) per
     *                           completed call: the cost that bounds calls/s when the cores are busy
     * @param errors             calls that failed
     */
    record Throughput(double callsPerSecond, double cpuMicrosPerCall, long errors) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static Latency sequential(Call call, int calls) throws Exception {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return new Latency(nanos[percentileIndex(calls, 0.50)] / 1_000.0, nanos[percentileIndex(calls, 0.99)] / 1_000.0);
    }

    private static int percentileIndex(int n, double p) {
        return Math.min(n - 1, (int) Math.ceil(p * n) - 1);
    }

    /** Calls from {@code callers} threads for {@code duration}, each as fast as it can. */
    static Throughput concurrent(Call call, int callers, Duration duration) throws InterruptedException {
        return concurrent(call, callers, duration, null);
    }

    /**
     * As {@link #concurrent(Call, int, Duration)}; with a {@code label}, also prints where the
     * process's CPU went during the measurement, by kind of thread.
     */
    static Throughput concurrent(Call call, int callers, Duration duration, String label) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        call.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-caller-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        long t0 = System.nanoTime();
        long cpu0 = OS.getProcessCpuTime();
        ThreadCpu threadsBefore = label != null ? ThreadCpu.snapshot() : null;
        threads.forEach(Thread::start);
        Thread.sleep(duration.toMillis());
        long counted = done.get();
        long elapsed = System.nanoTime() - t0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        if (threadsBefore != null && counted > 0) {
            System.out.printf("CPU by thread, %s, %d callers, %.0f µs/call in all:%n%s", label, callers,
                    cpu / 1_000.0 / counted,
                    ThreadCpu.snapshot().since(threadsBefore, counted, 14));
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        return new Throughput(counted * 1e9 / elapsed, counted == 0 ? 0 : cpu / 1_000.0 / counted, errors.get());
    }

    /** Runs {@code call} from {@code callers} threads for {@code duration}, measuring nothing. */
    static void warmUp(Call call, int callers, Duration duration) throws InterruptedException {
        if (!duration.isZero()) {
            concurrent(call, callers, duration);
        }
    }
}
