package dev.ferry.examples.benchmark.rocketmq;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time and allocated bytes by kind of thread (the name without its numbers) between two snapshots: where the
 * cost of a call goes — callers, consume threads, the broker's processors, the clients' Netty
 * threads. Threads that ended between the snapshots are missed; GC and JIT threads are not
 * Java threads and show only in the process total.
 */
final class ThreadCpu {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long compileMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    private final long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    private final Map<Long, Long> cpuById = new HashMap<>();
    private final Map<Long, Long> allocatedById = new HashMap<>();
    private final Map<Long, String> kindById = new HashMap<>();

    private ThreadCpu() {
    }

    static ThreadCpu snapshot() {
        ThreadCpu s = new ThreadCpu();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = THREADS.getThreadCpuTime(t.getId());
            if (cpu >= 0) {
                s.cpuById.put(t.getId(), cpu);
                s.allocatedById.put(t.getId(), THREADS.getThreadAllocatedBytes(t.getId()));
                s.kindById.put(t.getId(), kind(t.getName()));
            }
        }
        return s;
    }

    /** The kinds of thread that used the most CPU since {@code before}, in µs per call. */
    String since(ThreadCpu before, long calls, int top) {
        Map<String, Long> byKind = new HashMap<>();
        Map<String, Long> allocatedByKind = new HashMap<>();
        cpuById.forEach((id, cpu) -> byKind.merge(kindById.get(id), cpu - before.cpuById.getOrDefault(id, 0L), Long::sum));
        allocatedById.forEach((id, bytes) -> allocatedByKind.merge(kindById.get(id),
                bytes - before.allocatedById.getOrDefault(id, 0L), Long::sum));
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byKind.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder sb = new StringBuilder();
        long allocated = allocatedByKind.values().stream().mapToLong(Long::longValue).sum();
        sb.append(String.format(Locale.ROOT, "  %-48s %7s         %8.0f B/call%n", "(all threads)", "", allocated / (double) calls));
        sb.append(String.format(Locale.ROOT, "  %-48s %7.1f µs/call (elapsed, not CPU)%n", "(JIT compiling)",
                (compileMillis - before.compileMillis) * 1_000.0 / calls));
        sb.append(String.format(Locale.ROOT, "  %-48s %7.1f µs/call (elapsed, not CPU)%n", "(GC pauses)",
                (gcMillis - before.gcMillis) * 1_000.0 / calls));
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            sb.append(String.format(Locale.ROOT, "  %-48s %7.1f µs/call %8.0f B/call%n", e.getKey(),
                    e.getValue() / 1_000.0 / calls, allocatedByKind.getOrDefault(e.getKey(), 0L) / (double) calls));
        }
        return sb.toString();
    }

    private static String kind(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]+", "<id>").replaceAll("_[0-9a-f]{8}_", "_<id>_").replaceAll("[0-9]+", "#");
    }
}
