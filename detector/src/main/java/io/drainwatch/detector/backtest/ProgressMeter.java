package io.drainwatch.detector.backtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The backtest's progress on the terminal: blocks done of the total, blocks per second and the time
 * left. On a terminal one line is rewritten in place; otherwise (a log file, CI) a plain line is
 * written every {@code every}.
 */
final class ProgressMeter {
    private final PrintWriter err;
    private final boolean terminal;
    private final long total;
    private final Duration every;
    private final LongSupplier nanos;
    private final long started;
    private long lastPrinted;
    private int width;

    ProgressMeter(PrintWriter err, boolean terminal, long total, Duration every, LongSupplier nanos) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.every = every;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastPrinted = started;
    }

    /**
     * Whether this process's stderr is a terminal: on Linux, where file descriptor 2 leads; elsewhere,
     * whether the console is one (Java 22+ can tell; before that, whether there is a console at all).
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.exists(fd, LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Reports {@code done} blocks; prints when on a terminal, or when the plain interval has passed. */
    void update(long done) {
        long now = nanos.getAsLong();
        if (terminal) {
            String line = line(done, total, now - started);
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            err.flush();
        } else if (now - lastPrinted >= every.toNanos()) {
            lastPrinted = now;
            err.println(line(done, total, now - started));
            err.flush();
        }
    }

    /** The last word on the ingest phase, always printed, ending the in-place line. */
    void finish(long done) {
        String line = line(done, total, nanos.getAsLong() - started);
        if (terminal) {
            err.println("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        } else {
            err.println(line);
        }
        width = 0;
        err.flush();
    }

    /** {@code blocks 1,200/5,000 (24.0%)  150.0 blocks/s  about 25s left}. */
    static String line(long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = done >= total
                ? "done"
                : rate > 0
                        ? "about " + duration((long) Math.ceil((total - done) / rate)) + " left"
                        : "time left unknown";
        return String.format(
                Locale.ROOT,
                "backtest: blocks %,d/%,d (%.1f%%)  %.1f blocks/s  %s",
                done,
                total,
                total == 0 ? 100.0 : 100.0 * done / total,
                rate,
                left);
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02d", seconds % 3600 / 60) + "m";
    }
}
