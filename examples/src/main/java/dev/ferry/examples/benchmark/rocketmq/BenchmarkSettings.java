package dev.ferry.examples.benchmark.rocketmq;

import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long and how hard the benchmark runs.
 *
 * @param warmup       warm-up of each side before anything is measured, spread over the
 *                     concurrencies measured
 * @param perPoint     how long one side runs in one round of a throughput point
 * @param rounds       rounds per throughput point, raw and Ferry back to back in each, the first
 *                     side alternating; the medians are reported
 * @param sequential   calls measured one after another for the latency percentiles
 * @param payloadBytes length of the string each call sends and gets back
 * @param callers      the numbers of concurrent callers to measure throughput at
 * @param sides        which sides run: both for the comparison, one alone to profile it
 * @param cpuByThread  whether each throughput measurement also prints its CPU and allocation by
 *                     kind of thread
 * @param sendsInFlight Ferry's {@code RocketMqProtocolConfig.sendsInFlight} (0: no request batches)
 */
record BenchmarkSettings(Duration warmup, Duration perPoint, int rounds, int sequential, int payloadBytes,
                         List<Integer> callers, Sides sides, boolean cpuByThread, int sendsInFlight) {

    /** Which sides of the comparison run. */
    enum Sides {
        BOTH, RAW, FERRY;

        boolean raw() {
            return this != FERRY;
        }

        boolean ferry() {
            return this != RAW;
        }
    }

    /** For a quiet machine: what the README's numbers come from. */
    static final BenchmarkSettings FULL = new BenchmarkSettings(Duration.ofSeconds(30), Duration.ofSeconds(3), 11, 5_000,
            64, List.of(4, 16, 64), Sides.BOTH, false,
            RocketMqProtocolConfig.DEFAULT_SENDS_IN_FLIGHT);
    /** Proves the harness runs; the numbers mean little. */
    static final BenchmarkSettings SHORT = new BenchmarkSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 300,
            64, List.of(4, 16, 64), Sides.BOTH, false,
            RocketMqProtocolConfig.DEFAULT_SENDS_IN_FLIGHT);

    BenchmarkSettings {
        if (warmup.isNegative() || perPoint.isNegative() || perPoint.isZero() || rounds < 1 || rounds > 100
                || sequential < 1 || payloadBytes < 0 || payloadBytes > 4 * 1024 * 1024
                || callers.isEmpty() || callers.stream().anyMatch(c -> c < 1 || c > 1024)
                || sendsInFlight < 0 || sendsInFlight > 10_000) {
            throw new IllegalArgumentException("invalid benchmark settings: warm-up and per-point seconds >= 0 (per-point"
                    + " > 0), 1-100 rounds, >= 1 sequential call, payload 0-4 MiB, 1-1024 callers per point, 0-10000 sends in flight");
        }
        callers = List.copyOf(callers);
    }

    /**
     * {@code --short}, or any of {@code --warmup <seconds> --per-point <seconds> --rounds <n>
     * --sequential <calls> --payload <bytes> --callers 4,16,64 --only raw|ferry --cpu-by-thread
     * --sends-in-flight <n>}
     * over the full settings.
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
                s = SHORT.withSides(s.sides).withCpuByThread(s.cpuByThread).withSendsInFlight(s.sendsInFlight);
                continue;
            }
            if (a.equals("--cpu-by-thread")) {
                s = s.withCpuByThread(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            try {
                s = switch (a) {
                    case "--warmup" -> new BenchmarkSettings(Duration.ofSeconds(Long.parseLong(v)), s.perPoint, s.rounds,
                            s.sequential, s.payloadBytes, s.callers, s.sides, s.cpuByThread, s.sendsInFlight);
                    case "--per-point" -> new BenchmarkSettings(s.warmup, Duration.ofSeconds(Long.parseLong(v)), s.rounds,
                            s.sequential, s.payloadBytes, s.callers, s.sides, s.cpuByThread, s.sendsInFlight);
                    case "--rounds" -> new BenchmarkSettings(s.warmup, s.perPoint, Integer.parseInt(v), s.sequential,
                            s.payloadBytes, s.callers, s.sides, s.cpuByThread, s.sendsInFlight);
                    case "--sequential" -> new BenchmarkSettings(s.warmup, s.perPoint, s.rounds, Integer.parseInt(v),
                            s.payloadBytes, s.callers, s.sides, s.cpuByThread, s.sendsInFlight);
                    case "--payload" -> new BenchmarkSettings(s.warmup, s.perPoint, s.rounds, s.sequential,
                            Integer.parseInt(v), s.callers, s.sides, s.cpuByThread, s.sendsInFlight);
                    case "--callers" -> {
                        List<Integer> callers = new ArrayList<>();
                        for (String c : v.split(",")) {
                            callers.add(Integer.parseInt(c.trim()));
                        }
                        yield new BenchmarkSettings(s.warmup, s.perPoint, s.rounds, s.sequential, s.payloadBytes, callers,
                                s.sides, s.cpuByThread, s.sendsInFlight);
                    }
                    case "--sends-in-flight" -> s.withSendsInFlight(Integer.parseInt(v));
                    case "--only" -> s.withSides(switch (v.toLowerCase(Locale.ROOT)) {
                        case "raw" -> Sides.RAW;
                        case "ferry" -> Sides.FERRY;
                        default -> throw new IllegalArgumentException("--only takes raw or ferry, not '" + v + "'");
                    });
                    default -> throw new IllegalArgumentException("unknown option " + a + " (use --short, --warmup,"
                            + " --per-point, --rounds, --sequential, --payload, --callers, --only, --cpu-by-thread, --sends-in-flight)");
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number after " + a + ": '" + v + "'");
            }
        }
        return s;
    }

    private BenchmarkSettings withSides(Sides sides) {
        return new BenchmarkSettings(warmup, perPoint, rounds, sequential, payloadBytes, callers, sides, cpuByThread,
                sendsInFlight);
    }

    private BenchmarkSettings withSendsInFlight(int sendsInFlight) {
        return new BenchmarkSettings(warmup, perPoint, rounds, sequential, payloadBytes, callers, sides, cpuByThread,
                sendsInFlight);
    }

    private BenchmarkSettings withCpuByThread(boolean cpuByThread) {
        return new BenchmarkSettings(warmup, perPoint, rounds, sequential, payloadBytes, callers, sides, cpuByThread,
                sendsInFlight);
    }
}
