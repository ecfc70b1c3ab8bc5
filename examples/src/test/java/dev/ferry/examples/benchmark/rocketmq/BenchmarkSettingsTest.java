package dev.ferry.examples.benchmark.rocketmq;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkSettingsTest {

    @Test
    void noArgumentsMeansTheFullRun() {
        assertEquals(BenchmarkSettings.FULL, BenchmarkSettings.parse(new String[0]));
        assertEquals(BenchmarkSettings.FULL, BenchmarkSettings.parse(new String[] {"  "}));
    }

    @Test
    void optionsOverrideOneByOneAndMayComeAsOneArgument() {
        BenchmarkSettings s = BenchmarkSettings.parse(new String[] {
                "--short --warmup 3 --per-point 2", "--rounds", "7", "--callers", "1,8", "--payload", "0", "--only", "FERRY"});
        assertEquals(Duration.ofSeconds(3), s.warmup());
        assertEquals(Duration.ofSeconds(2), s.perPoint());
        assertEquals(7, s.rounds());
        assertEquals(List.of(1, 8), s.callers());
        assertEquals(0, s.payloadBytes());
        assertEquals(BenchmarkSettings.Sides.FERRY, s.sides());
        assertEquals(BenchmarkSettings.SHORT.sequential(), s.sequential());
        assertEquals(BenchmarkSettings.Sides.RAW, BenchmarkSettings.parse(new String[] {"--only", "raw", "--short"}).sides(),
                "--short keeps the side chosen before it");
        assertTrue(BenchmarkSettings.parse(new String[] {"--cpu-by-thread", "--short"}).cpuByThread());
        assertEquals(false, BenchmarkSettings.parse(new String[] {"--short"}).cpuByThread());
        assertEquals(2, BenchmarkSettings.parse(new String[] {"--sends-in-flight", "2", "--short"}).sendsInFlight(),
                "--short keeps the sends in flight chosen before it");
        assertEquals(0, BenchmarkSettings.FULL.sendsInFlight(), "the benchmark measures Ferry's defaults");
    }

    @Test
    void malformedArgumentsAreRefusedNamingTheOption() {
        assertRefused("missing value after --rounds", "--rounds");
        assertRefused("not a number after --warmup", "--warmup", "ten");
        assertRefused("not a number after --callers", "--callers", "4,,16");
        assertRefused("unknown option --fast", "--fast", "1");
        assertRefused("--only takes raw or ferry", "--only", "both");
        assertRefused("invalid benchmark settings", "--per-point", "0");
        assertRefused("invalid benchmark settings", "--rounds", "0");
        assertRefused("invalid benchmark settings", "--callers", "4,2000");
        assertRefused("invalid benchmark settings", "--payload", "-1");
        assertRefused("invalid benchmark settings", "--payload", "999999999");
        assertRefused("not a number after --sequential", "--sequential", "99999999999999999999");
        assertRefused("invalid benchmark settings", "--sends-in-flight", "-1");
        assertRefused("not a number after --sends-in-flight", "--sends-in-flight", "one");
    }

    @Test
    void medianIsAMeasuredValue() {
        assertEquals(2.0, RocketMqBenchmark.median(new double[] {3, 1, 2}));
        assertEquals(1.0, RocketMqBenchmark.median(new double[] {4, 1}), "the lower middle of an even count");
        assertEquals(5.0, RocketMqBenchmark.median(new double[] {5}));
    }

    @Test
    void spreadListsEveryRoundInOrderWithItsExtremes() {
        assertEquals("   64 callers: 0.97 0.91 1.02  (lowest 0.91, median 0.97, highest 1.02)",
                RocketMqBenchmark.spread(64, new double[] {0.97, 0.91, 1.02}));
        assertEquals("    4 callers: -  (lowest -, median -, highest -)",
                RocketMqBenchmark.spread(4, new double[] {Double.NaN}), "a side that did not run");
    }

    private static void assertRefused(String message, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkSettings.parse(args));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
