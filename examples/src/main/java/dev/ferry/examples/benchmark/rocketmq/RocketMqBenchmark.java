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
import dev.ferry.protocol.rocketmq.RocketMqProtocol;
import dev.ferry.protocol.rocketmq.RocketMqProtocolConfig;
import dev.ferry.protocol.rocketmq.embedded.EmbeddedRocketMq;
import dev.ferry.serialization.Serializations;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
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
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark            # full run, ~3 min
 * java -cp … dev.ferry.examples.benchmark.rocketmq.RocketMqBenchmark --short    # proves it runs, ~30 s
 * </pre>
 *
 * Both sides send the same bytes (the raw side sends Ferry's encoded request frame and answers
 * with Ferry's encoded reply frame) through the same broker, with the same number of consume
 * threads; each point runs raw and Ferry back to back, alternating which goes first.
 */
public final class RocketMqBenchmark {

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
                    .consumeThreads(CONSUME_THREADS).build();
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
                                    + "one embedded broker, %d-byte payload, %d consume threads, %d cores, Java %s%n",
                            settings.payloadBytes(), CONSUME_THREADS, Runtime.getRuntime().availableProcessors(),
                            System.getProperty("java.version"));
                    System.out.printf(Locale.ROOT, "JVM start to first Ferry reply: %d ms (broker ready after %d ms)%n",
                            firstReply - jvmStart, brokerReady - jvmStart);
                    System.out.printf(Locale.ROOT, "warm-up %d s per side, %d s per throughput point, %d sequential calls%n%n",
                            settings.warmup().toSeconds(), settings.perPoint().toSeconds(), settings.sequential());

                    Measurements.warmUp(raw, 16, settings.warmup());
                    Measurements.warmUp(ferry, 16, settings.warmup());

                    List<String[]> rows = new ArrayList<>();
                    Measurements.Latency rawLatency = Measurements.sequential(raw, settings.sequential());
                    Measurements.Latency ferryLatency = Measurements.sequential(ferry, settings.sequential());
                    rows.add(row("sequential p50 (µs)", rawLatency.p50Micros(), ferryLatency.p50Micros(), "%.0f"));
                    rows.add(row("sequential p99 (µs)", rawLatency.p99Micros(), ferryLatency.p99Micros(), "%.0f"));
                    long errors = 0;
                    boolean rawFirst = true;
                    for (int callers : settings.callers()) {
                        Measurements.Throughput r;
                        Measurements.Throughput f;
                        if (rawFirst) {
                            r = Measurements.concurrent(raw, callers, settings.perPoint());
                            f = Measurements.concurrent(ferry, callers, settings.perPoint());
                        } else {
                            f = Measurements.concurrent(ferry, callers, settings.perPoint());
                            r = Measurements.concurrent(raw, callers, settings.perPoint());
                        }
                        rawFirst = !rawFirst;
                        errors += r.errors() + f.errors();
                        rows.add(row("calls/s, " + callers + " callers", r.callsPerSecond(), f.callsPerSecond(), "%.0f"));
                    }
                    print(rows);
                    System.out.printf(Locale.ROOT, "%nfailed calls: %d%n", errors);
                    System.out.println("goal: Ferry latency <= 1.05x raw, Ferry calls/s >= 0.95x raw,"
                            + " JVM start to first reply <= 3000 ms");
                }
            }
        }
        // RocketMQ's client leaves non-daemon threads behind after shutdown: exit explicitly.
        System.exit(0);
    }

    private static String[] row(String what, double raw, double ferry, String format) {
        return new String[] {what, String.format(Locale.ROOT, format, raw), String.format(Locale.ROOT, format, ferry),
                String.format(Locale.ROOT, "%.2f", ferry / raw)};
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
