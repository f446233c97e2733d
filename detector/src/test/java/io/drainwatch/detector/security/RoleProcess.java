package io.drainwatch.detector.security;

import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.deploy.DeployPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One drainwatch command run from the packaged jar as its own process, every byte it writes (stdout
 * and stderr) kept in a log file; stopped with SIGTERM (then SIGKILL) on close.
 */
final class RoleProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path log;
    private final Process process;

    private RoleProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static Path jar() {
        Path jar = DeployPaths.root().resolve("detector/target/drainwatch.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the packaged program " + jar + " is missing: mvn verify packages it before the"
                    + " integration tests (or ./mvnw -pl detector -am package -DskipTests)");
        }
        return jar;
    }

    /** Starts {@code java -jar drainwatch.jar args...} with {@code env} added to this JVM's environment. */
    static RoleProcess start(String name, Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The test JVM's own DRAINWATCH_* variables (bin/tools sets some for the tests) are not the role's
        // settings: detect reads every DRAINWATCH_* variable as one and refuses names it does not know.
        builder.environment().keySet().removeIf(k -> k.startsWith("DRAINWATCH_"));
        builder.environment().putAll(env);
        try {
            return new RoleProcess(name, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until {@code /health} on {@code port} answers 200; fails naming the output if the process exits. */
    RoleProcess awaitHealthy(int port) {
        await(name + " healthy on port " + port)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast(name + " exited:\n" + output(), () -> !process.isAlive())
                .until(() -> get(port, "/health").statusCode() == 200);
        return this;
    }

    /** Waits until {@code /ready} on {@code port} answers 200 (the role is doing its work). */
    RoleProcess awaitReady(int port) {
        await(name + " ready on port " + port)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast(name + " exited", () -> !process.isAlive())
                .until(() -> get(port, "/ready").statusCode() == 200);
        return this;
    }

    /** The exit code once the process ended within {@code limit}; empty while it still runs. */
    OptionalInt awaitExit(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything the process wrote so far. */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code count} lines of the output, for failure messages. */
    String tail(int count) {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /** Runs {@code check}; a failure carries the end of this process's output. */
    void showingOutput(ThrowingRunnable check) throws Exception {
        try {
            check.run();
        } catch (AssertionError | RuntimeException e) {
            AssertionError failure =
                    new AssertionError(e.getMessage() + "\n--- " + name + " output (end) ---\n" + tail(60), e);
            throw failure;
        }
    }

    /** A check that may throw. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The body of {@code /metrics} on {@code port}. */
    static String scrape(int port) {
        return get(port, "/metrics").body();
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
