package dev.ferry.examples.benchmark.rocketmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long and how hard the benchmark runs.
 *
 * @param warmup       warm-up of each side before anything is measured
 * @param perPoint     how long each throughput point runs
 * @param sequential   calls measured one after another for the latency percentiles
 * @param payloadBytes length of the string each call sends and gets back
 * @param callers      the numbers of concurrent callers to measure throughput at
 */
record BenchmarkSettings(Duration warmup, Duration perPoint, int sequential, int payloadBytes, List<Integer> callers) {

    /** For a quiet machine: what the README's numbers come from. */
    static final BenchmarkSettings FULL = new BenchmarkSettings(Duration.ofSeconds(15), Duration.ofSeconds(10), 5_000, 64,
            List.of(4, 16, 64));
    /** Proves the harness runs; the numbers mean little. */
    static final BenchmarkSettings SHORT = new BenchmarkSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 300, 64,
            List.of(4, 16, 64));

    BenchmarkSettings {
        if (warmup.isNegative() || perPoint.isNegative() || perPoint.isZero() || sequential < 1 || payloadBytes < 0
                || callers.isEmpty() || callers.stream().anyMatch(c -> c < 1 || c > 1024)) {
            throw new IllegalArgumentException("invalid benchmark settings");
        }
        callers = List.copyOf(callers);
    }

    /**
     * {@code --short}, or any of {@code --warmup <seconds> --per-point <seconds> --sequential <calls>
     * --payload <bytes> --callers 4,16,64} over the full settings.
     */
    static BenchmarkSettings parse(String[] raw) {
        // Options may also come as one argument (a build tool's property): split on whitespace.
        List<String> words = new ArrayList<>();
        for (String r : raw) {
            for (String w : r.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        String[] args = words.toArray(new String[0]);
        BenchmarkSettings s = FULL;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--short")) {
                s = SHORT;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--warmup" -> s = new BenchmarkSettings(Duration.ofSeconds(Long.parseLong(v)), s.perPoint, s.sequential,
                        s.payloadBytes, s.callers);
                case "--per-point" -> s = new BenchmarkSettings(s.warmup, Duration.ofSeconds(Long.parseLong(v)), s.sequential,
                        s.payloadBytes, s.callers);
                case "--sequential" -> s = new BenchmarkSettings(s.warmup, s.perPoint, Integer.parseInt(v), s.payloadBytes,
                        s.callers);
                case "--payload" -> s = new BenchmarkSettings(s.warmup, s.perPoint, s.sequential, Integer.parseInt(v), s.callers);
                case "--callers" -> {
                    List<Integer> callers = new ArrayList<>();
                    for (String c : v.split(",")) {
                        callers.add(Integer.parseInt(c.trim()));
                    }
                    s = new BenchmarkSettings(s.warmup, s.perPoint, s.sequential, s.payloadBytes, callers);
                }
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (use --short, --warmup, --per-point, --sequential, --payload, --callers)");
            }
        }
        return s;
    }
}
