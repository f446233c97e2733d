package io.drainwatch.detector.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external binary (promtool, amtool, prometheus, prometheus-alertmanager) to completion. A
 * missing binary fails the test with how to get it: these tests never skip.
 */
final class Tool {
    private Tool() {}

    /** What a finished command printed and returned. */
    record Result(int exitCode, String output) {}

    /** The binary's path on {@code PATH}, or a failed test saying how to install it. */
    static Path require(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(binary + " is not on PATH (" + path + "). bin/test installs it through bin/tools/prometheus.sh "
                + "(Debian packages prometheus and prometheus-alertmanager); run bin/test, or apt-get install them.");
    }

    /** Runs {@code binary args...} in {@code dir}, waiting at most 60 s. */
    static Result run(Path dir, String binary, String... args) {
        List<String> command = new ArrayList<>();
        command.add(require(binary).toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted running " + String.join(" ", command));
        }
    }
}
