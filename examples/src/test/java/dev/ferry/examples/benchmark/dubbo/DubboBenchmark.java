package dev.ferry.examples.benchmark.dubbo;

import dev.ferry.examples.dubbo.DubboSide;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ferry and Apache Dubbo 3.3.2 side by side on apache/dubbo-benchmark's {@link UserService}, in
 * one run: for each framework a provider JVM and a consumer JVM (hessian2, one connection,
 * {@code bench.threads} callers in a closed loop), then one table with calls/s, p50 and p99 of
 * each and Ferry's ratio.
 *
 * <p>Settings (system properties): {@code bench.warmup} seconds per method before measuring
 * (default 10: warm-up changes these numbers several-fold), {@code bench.duration} measured
 * seconds per method (20), {@code bench.threads} (32), {@code bench.methods}
 * ({@code existUser,createUser,getUser,listUser}), {@code bench.short=true} for 2 s + 3 s, only
 * to check that everything runs, {@code bench.frameworks} ({@code DUBBO,FERRY}) to run only one,
 * {@code bench.jvmArgs} for extra options of every provider and consumer JVM (a profiler, say
 * {@code -XX:StartFlightRecording=filename=/tmp/bench-%p.jfr}). Every JVM resolves {@code ferry-loopback} to 127.0.0.1 through
 * {@code bench.hostsFile}, so all traffic stays on loopback.
 */
public final class DubboBenchmark {

    private DubboBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.getBoolean("bench.short");
        long warmup = quick ? 2 : Long.getLong("bench.warmup", 10);
        long duration = quick ? 3 : Long.getLong("bench.duration", 20);
        int threads = Integer.getInteger("bench.threads", 32);
        String methods = System.getProperty("bench.methods", "existUser,createUser,getUser,listUser");
        String hostsFile = System.getProperty("bench.hostsFile", System.getProperty("jdk.net.hosts.file"));
        if (hostsFile == null || !new File(hostsFile).isFile()) {
            throw new IllegalStateException("set -Dbench.hostsFile to a hosts file mapping ferry-loopback to 127.0.0.1");
        }
        System.out.printf(Locale.ROOT, "warm-up %d s, measured %d s per method, %d callers, one connection, hessian2%n",
                warmup, duration, threads);
        Map<Framework, Map<String, Row>> results = new LinkedHashMap<>();
        for (String name : System.getProperty("bench.frameworks", "DUBBO,FERRY").split(",")) {
            Framework f = Framework.valueOf(name.trim().toUpperCase(Locale.ROOT));
            System.out.println("running " + f.title + " ...");
            results.put(f, run(f, hostsFile, threads, warmup, duration, methods));
        }
        print(results, methods.split(","));
    }

    private static Map<String, Row> run(Framework f, String hostsFile, int threads, long warmup, long duration,
                                        String methods) throws Exception {
        Process provider = jvm(hostsFile, BenchmarkProvider.class.getName(), f.name());
        try {
            BufferedReader out = reader(provider);
            String ready = awaitLine(out, "READY ", provider, 60);
            int port = Integer.parseInt(ready.substring("READY ".length()).trim());
            Process consumer = jvm(hostsFile, BenchmarkConsumer.class.getName(), f.name(), DubboSide.host(),
                    String.valueOf(port), String.valueOf(threads), String.valueOf(warmup), String.valueOf(duration), methods);
            Map<String, Row> rows = new LinkedHashMap<>();
            try {
                BufferedReader in = reader(consumer);
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("RESULT ")) {
                        Row r = Row.parse(line);
                        rows.put(r.method, r);
                        System.out.printf(Locale.ROOT, "  %-10s %,10.0f calls/s  p50 %,8.0f us  p99 %,8.0f us%s%n",
                                r.method, r.callsPerSecond(), r.p50Nanos / 1e3, r.p99Nanos / 1e3,
                                r.errors == 0 ? "" : "  (" + r.errors + " errors)");
                    }
                }
                if (!consumer.waitFor(60, TimeUnit.SECONDS) || consumer.exitValue() != 0) {
                    throw new IllegalStateException(f.title + " consumer failed (exit "
                            + (consumer.isAlive() ? "none" : consumer.exitValue()) + ")");
                }
            } finally {
                consumer.destroyForcibly();
            }
            return rows;
        } finally {
            provider.getOutputStream().close();
            if (!provider.waitFor(20, TimeUnit.SECONDS)) {
                provider.destroyForcibly();
            }
        }
    }

    private static Process jvm(String hostsFile, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xms1g");
        cmd.add("-Xmx1g");
        cmd.add("-Djdk.net.hosts.file=" + hostsFile);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Ddubbo.application.logger=slf4j");
        String extra = System.getProperty("bench.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String awaitLine(BufferedReader in, String prefix, Process p, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        throw new IllegalStateException("the provider JVM did not start (alive: " + p.isAlive() + ")");
    }

    private static void print(Map<Framework, Map<String, Row>> results, String[] methods) {
        Map<String, Row> dubbo = results.get(Framework.DUBBO);
        Map<String, Row> ferry = results.get(Framework.FERRY);
        if (dubbo == null || ferry == null) {
            return; // one framework only: its lines above are the result
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-10s | %14s | %14s | %11s | %10s | %10s | %10s | %10s |%n", "method",
                "Dubbo calls/s", "Ferry calls/s", "Ferry/Dubbo", "Dubbo p50", "Ferry p50", "Dubbo p99", "Ferry p99");
        System.out.println("|------------|---------------:|---------------:|------------:|-----------:|-----------:|"
                + "-----------:|-----------:|");
        for (String m : methods) {
            Row d = dubbo.get(m.trim());
            Row f = ferry.get(m.trim());
            if (d == null || f == null) {
                continue;
            }
            System.out.printf(Locale.ROOT, "| %-10s | %,14.0f | %,14.0f | %10.2fx | %7.0f us | %7.0f us | %7.0f us | %7.0f us |%n",
                    d.method, d.callsPerSecond(), f.callsPerSecond(), f.callsPerSecond() / d.callsPerSecond(),
                    d.p50Nanos / 1e3, f.p50Nanos / 1e3, d.p99Nanos / 1e3, f.p99Nanos / 1e3);
        }
        long errors = dubbo.values().stream().mapToLong(r -> r.errors).sum() + ferry.values().stream().mapToLong(r -> r.errors).sum();
        if (errors > 0) {
            System.out.println("WARNING: " + errors + " calls failed or answered wrongly; the numbers above are suspect");
        }
    }

    /** One method's measurement from a consumer JVM. */
    private record Row(String method, long calls, double seconds, long p50Nanos, long p99Nanos, long errors) {

        static Row parse(String line) {
            String[] p = line.trim().split(" ");
            return new Row(p[1], Long.parseLong(p[2]), Double.parseDouble(p[3]), Long.parseLong(p[4]),
                    Long.parseLong(p[5]), Long.parseLong(p[6]));
        }

        double callsPerSecond() {
            return calls / seconds;
        }
    }
}
