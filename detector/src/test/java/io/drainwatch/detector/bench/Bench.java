package io.drainwatch.detector.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the benchmarks share: random addresses, elapsed seconds, their progress lines and a process's
 * resident memory.
 */
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

    /** A process's resident memory and its peak so far, in MB; -1 each where there is no {@code /proc}. */
    record Resident(long mb, long peakMb) {
        /** Of the process {@code pid}: {@code "self"} for this JVM. */
        static Resident of(String pid) {
            long rss = -1;
            long peak = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = kilobytes(line) >> 10;
                    } else if (line.startsWith("VmHWM:")) {
                        peak = kilobytes(line) >> 10;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process is gone
            }
            return new Resident(rss, peak);
        }

        private static long kilobytes(String statusLine) {
            return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
        }
    }
}
