package dev.ferry.examples.benchmark.rocketmq;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Result;
import dev.ferry.api.ServiceKey;
import dev.ferry.api.spi.Request;
import dev.ferry.api.spi.Response;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.codec.DubboCodec;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.invocation.RpcInvocation;
import dev.ferry.examples.benchmark.rocketmq.BenchmarkSettings.Sides;
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import dev.ferry.serialization.Serializations;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * Ferry over RocketMQ against rocketmq-client's own request-reply, in one run on one embedded
 * broker (NameServer and broker in this JVM, with the callers and the providers): sequential
 * latency (p50, p99) and calls per second at several numbers of concurrent callers, with the
 * ratios side by side; and the time from JVM start to the first Ferry reply.
 *
 * <pre>
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark                # full run, ~5 min
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark --short        # proves it runs, ~30 s
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark --only ferry   # one side, to profile it
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark --cpu-by-thread  # where each side's CPU goes
 * </pre>
 *
 * Both sides send the same bytes (the raw side sends Ferry's encoded request frame and answers
 * with Ferry's encoded reply frame) through the same broker, with the same number of consume
 * threads. Both sides warm up in alternating slices at every measured concurrency; each round of
 * a throughput point runs raw and Ferry back to back, alternating which goes first, and the
 * table gives the medians over the rounds, followed by every round's calls/s ratio. CPU per
 * call is the whole process's (callers, providers, NameServer and broker): on a machine whose
 * cores are all busy it is what decides calls/s.
 */
public final class RocketMqBenchmark {

    private static final double NaN = Double.NaN;
    private static final int CONSUME_THREADS = RocketMqProtocolConfig.DEFAULT_CONSUME_THREADS;

    private RocketMqBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        BenchmarkSettings settings = BenchmarkSettings.parse(args);
        String payload = "x".repeat(settings.payloadBytes());
        try (EmbeddedRocketMq mq = EmbeddedRocketMq.builder().build().start()) {
            long brokerReady = System.currentTimeMillis();
            RocketMqProtocolConfig config = RocketMqProtocolConfig.builder(mq.nameServerAddress())
                    .consumeThreads(CONSUME_THREADS).sendsInFlight(settings.sendsInFlight()).build();
            try (FerryBootstrap provider = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build();
                 FerryBootstrap consumer = FerryBootstrap.builder().protocol(new RocketMqProtocol(config)).build()) {
                provider.export(ServiceConfig.builder(Echo.class, new Echo.Impl()).protocol("rocketmq").build());
                Echo echo = consumer.refer(ReferenceConfig.builder(Echo.class).protocol("rocketmq")
                        .timeout(Duration.ofSeconds(10)).retries(0).build());
                if (!payload.equals(echo.echo(payload))) {
                    throw new IllegalStateException("wrong echo");
                }
                long firstReply = System.currentTimeMillis();

                Call ferry = () -> {
                    if (echo.echo(payload).length() != payload.length()) {
                        throw new IllegalStateException("wrong echo");
                    }
                };
                try (RawRequestReply rawSide = new RawRequestReply(mq, CONSUME_THREADS, requestFrame(payload),
                        replyFrame(payload))) {
                    Call raw = rawSide.call();
                    System.out.printf(Locale.ROOT, "RocketMQ request-reply: Ferry vs raw rocketmq-client 5.4.0, one JVM, "
                                    + "one embedded broker, %d-byte payload, %d consume threads, Ferry's sends in flight %d,"
                                    + " %d cores, Java %s%n",
                            settings.payloadBytes(), CONSUME_THREADS, settings.sendsInFlight(),
                            Runtime.getRuntime().availableProcessors(),
                            System.getProperty("java.version"));
                    System.out.printf(Locale.ROOT, "JVM start to first Ferry reply: %d ms (broker ready after %d ms)%n",
                            firstReply - jvmStart, brokerReady - jvmStart);
                    System.out.printf(Locale.ROOT, "warm-up %d s per side; throughput: median of %d rounds of %d s per side"
                                    + " (ratio: median of the rounds' ratios); %d sequential calls%n%n",
                            settings.warmup().toSeconds(), settings.rounds(), settings.perPoint().toSeconds(),
                            settings.sequential());

                    Sides sides = settings.sides();
                    warmUp(raw, ferry, settings);

                    List<String[]> rows = new ArrayList<>();
                    Measurements.Latency rawLatency = sides.raw() ? Measurements.sequential(raw, settings.sequential()) : null;
                    Measurements.Latency ferryLatency = sides.ferry()
                            ? Measurements.sequential(ferry, settings.sequential()) : null;
                    rows.add(row("sequential p50 (µs)", rawLatency == null ? NaN : rawLatency.p50Micros(),
                            ferryLatency == null ? NaN : ferryLatency.p50Micros()));
                    rows.add(row("sequential p99 (µs)", rawLatency == null ? NaN : rawLatency.p99Micros(),
                            ferryLatency == null ? NaN : ferryLatency.p99Micros()));
                    long errors = 0;
                    List<String> spreads = new ArrayList<>();
                    boolean rawFirst = true;
                    for (int callers : settings.callers()) {
                        double[] rawCalls = new double[settings.rounds()];
                        double[] ferryCalls = new double[settings.rounds()];
                        double[] rawCpu = new double[settings.rounds()];
                        double[] ferryCpu = new double[settings.rounds()];
                        double[] ratios = new double[settings.rounds()];
                        for (int round = 0; round < settings.rounds(); round++) {
                            Measurements.Throughput r = null;
                            Measurements.Throughput f = null;
                            if (rawFirst && sides.raw()) {
                                r = Measurements.concurrent(raw, callers, settings.perPoint(), settings.cpuByThread() ? "raw" : null);
                            }
                            if (sides.ferry()) {
                                f = Measurements.concurrent(ferry, callers, settings.perPoint(), settings.cpuByThread() ? "ferry" : null);
                            }
                            if (!rawFirst && sides.raw()) {
                                r = Measurements.concurrent(raw, callers, settings.perPoint(), settings.cpuByThread() ? "raw" : null);
                            }
                            rawFirst = !rawFirst;
                            rawCalls[round] = r == null ? NaN : r.callsPerSecond();
                            rawCpu[round] = r == null ? NaN : r.cpuMicrosPerCall();
                            ferryCalls[round] = f == null ? NaN : f.callsPerSecond();
                            ferryCpu[round] = f == null ? NaN : f.cpuMicrosPerCall();
                            ratios[round] = ferryCalls[round] / rawCalls[round];
                            errors += (r == null ? 0 : r.errors()) + (f == null ? 0 : f.errors());
                        }
                        rows.add(row("calls/s, " + callers + " callers", median(rawCalls), median(ferryCalls),
                                median(ratios)));
                        spreads.add(spread(callers, ratios));
                        // Lower is better here: the ratio is ferry/raw CPU per call.
                        rows.add(row("CPU µs/call, " + callers + " callers", median(rawCpu), median(ferryCpu)));
                    }
                    print(rows);
                    if (sides == Sides.BOTH) {
                        System.out.printf(Locale.ROOT, "%ncalls/s ferry/raw by round:%n");
                        spreads.forEach(System.out::println);
                    }
                    System.out.printf(Locale.ROOT, "%nfailed calls: %d%n", errors);
                    System.out.println("goal: Ferry latency <= 1.05x raw, Ferry calls/s >= 0.95x raw,"
                            + " JVM start to first reply <= 3000 ms");
                }
            }
        }
        // RocketMQ's client leaves non-daemon threads behind after shutdown: exit explicitly.
        System.exit(0);
    }

    /**
     * Warms both sides in alternating slices at every concurrency the run measures: the two
     * share rocketmq-client and broker code, and code compiled while only one side ran would be
     * shaped by that side's profile alone.
     */
    private static void warmUp(Call raw, Call ferry, BenchmarkSettings settings) throws InterruptedException {
        List<Integer> callers = settings.callers();
        Duration slice = settings.warmup().dividedBy(2L * callers.size());
        for (int c : callers) {
            for (int i = 0; i < 2; i++) {
                if (settings.sides().raw()) {
                    Measurements.warmUp(raw, c, slice);
                }
                if (settings.sides().ferry()) {
                    Measurements.warmUp(ferry, c, slice);
                }
            }
        }
    }

    /** One point's per-round ratios in the order measured, with their lowest and highest. */
    static String spread(int callers, double[] ratios) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %3d callers:", callers));
        for (double r : ratios) {
            sb.append(' ').append(format("%.2f", r));
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        return sb.append(String.format(Locale.ROOT, "  (lowest %s, median %s, highest %s)", format("%.2f", sorted[0]),
                format("%.2f", median(ratios)), format("%.2f", sorted[sorted.length - 1]))).toString();
    }

    private static String[] row(String what, double raw, double ferry) {
        return row(what, raw, ferry, ferry / raw);
    }

    private static String[] row(String what, double raw, double ferry, double ratio) {
        return new String[] {what, format("%.0f", raw), format("%.0f", ferry), format("%.2f", ratio)};
    }

    private static String format(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** The median; for an even count the lower middle value, so it is always a measured one. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    private static void print(List<String[]> rows) {
        String[] header = {"measure", "raw", "ferry", "ferry/raw"};
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        printRow(header, width);
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('|');
        }
        System.out.println(rule);
        for (String[] r : rows) {
            printRow(r, width);
        }
    }

    private static void printRow(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            sb.append(' ').append(i == 0 ? pad(cell, width[i], false) : pad(cell, width[i], true)).append(" |");
        }
        System.out.println(sb);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    /** Ferry's request frame for {@code echo(payload)}: what the raw side sends. */
    private static byte[] requestFrame(String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec().encode(Request.call(1, (byte) 2, true, invocation(payload)), out);
        return out.toByteArray();
    }

    /** Ferry's reply frame for that call: what the raw side answers. */
    private static byte[] replyFrame(String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec().encode(Response.ok(1, (byte) 2, Result.value(payload)), out);
        return out.toByteArray();
    }

    private static RpcInvocation invocation(String payload) {
        return new RpcInvocation(new ServiceKey(Echo.class.getName(), "", ""), "echo", new Class<?>[] {String.class},
                new Object[] {payload}, String.class, new HashMap<>(), CallOptions.DEFAULT);
    }

    private static DubboCodec codec() {
        return new DubboCodec(Serializations.load(), RocketMqProtocolConfig.DEFAULT_PAYLOAD_LIMIT);
    }
}
