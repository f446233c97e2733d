package io.drainwatch.detector.bench;

import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/** What the benchmarks share: random addresses, elapsed seconds and their progress lines. */
final class Bench {
    private Bench() {}

    /** {@code count} random 20-byte addresses, lowercase hex with {@code 0x}. */
    static String[] addresses(SplittableRandom random, int count) {
        String[] out = new String[count];
        byte[] bytes = new byte[20];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            out[i] = "0x" + HexFormat.of().formatHex(bytes);
        }
        return out;
    }

    /** Seconds since {@code since} ({@link System#nanoTime()}). */
    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** A progress line, {@code bench ...}, on standard output. */
    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench " + format + "%n", args);
    }
}
