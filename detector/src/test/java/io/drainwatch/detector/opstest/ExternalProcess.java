package io.drainwatch.detector.opstest;

import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.deploy.DeployPaths;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real server process (Prometheus, Alertmanager, a drainwatch role) started for a test, ready once
 * its readiness path answers 200, stopped (SIGTERM, then SIGKILL) by {@link #close()}. Its output goes to a log file
 * that a failing test can show.
 */
public final class ExternalProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private boolean withoutDrainwatchVariables;
    private final String name;
    private final List<String> command;
    private final Path log;
    private final int port;
    private final String readyPath;
    private final Duration readyWithin;
    private Process process;

    private ExternalProcess(
            String name, List<String> command, Path log, int port, String readyPath, Duration readyWithin) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.port = port;
        this.readyPath = readyPath;
        this.readyWithin = readyWithin;
    }

    /** Starts {@code binary args...}, which must listen on {@code port}, and waits until {@code /-/ready} answers. */
    public static ExternalProcess start(String name, Path workDir, int port, String binary, String... args) {
        List<String> command = new ArrayList<>();
        command.add(require(binary));
        command.addAll(List.of(args));
        ExternalProcess p = new ExternalProcess(
                name, command, workDir.resolve(name + ".log"), port, "/-/ready", Duration.ofSeconds(30));
        p.startProcess();
        return p;
    }

    /**
     * Starts a drainwatch command from the packaged jar ({@code java -jar drainwatch.jar args...}) with
     * the JVM running the tests, and waits until its {@code /health} answers on {@code port}.
     */
    public static ExternalProcess drainwatch(String name, Path workDir, Path jar, int port, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx768m");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ExternalProcess p = new ExternalProcess(
                name, command, workDir.resolve(name + ".log"), port, "/health", Duration.ofSeconds(90));
        // Every setting is given as an argument; variables of the test tools (DW_TOOL_ANVIL, ...) are not
        // settings, and a role stops on a DRAINWATCH_* variable it does not know.
        p.withoutDrainwatchVariables = true;
        p.startProcess();
        return p;
    }

    /**
     * {@code drainwatch detect} from the packaged jar on {@code bootstrapServers} with {@code settings}
     * (each a {@code --set key=value}), its metrics on a free port of the loopback interface; returns once
     * {@code /health} answers (wait for {@code /ready} with {@link #awaitAnswer} for a running topology).
     */
    public static ExternalProcess detect(
            String name, Path workDir, String bootstrapServers, Map<String, String> settings) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                "detect",
                "--bootstrap-servers",
                bootstrapServers,
                "--metrics-host",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(port)));
        new TreeMap<>(settings).forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
        return drainwatch(name, workDir, jar(), port, args.toArray(String[]::new));
    }

    /** The packaged program, {@code detector/target/drainwatch.jar} (mvn verify packages it before the ITs). */
    public static Path jar() {
        return DeployPaths.root().resolve("detector/target/drainwatch.jar");
    }

    /** A TCP port free right now on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Whether the process still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** The process id, for the test's record. */
    public long pid() {
        return process.pid();
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Starts the same command again and waits until it is ready. */
    public void restart() {
        if (process.isAlive()) {
            close();
        }
        startProcess();
    }

    /** What the process printed so far (its log), for assertion messages. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private void startProcess() {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (withoutDrainwatchVariables) {
                builder.environment().keySet().removeIf(name -> name.startsWith("DRAINWATCH_"));
            }
            process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        await(name + " ready on " + url())
                .atMost(readyWithin)
                .pollInterval(Duration.ofMillis(100))
                .failFast(name + " exited:\n" + output(), () -> !process.isAlive())
                .until(() -> answers(readyPath));
    }

    /**
     * Waits until {@code path} answers 200 (for a drainwatch role, {@code /ready}: its work has started,
     * beyond the {@code /health} that {@link #drainwatch} waits for), failing at once if the process exits.
     */
    public void awaitAnswer(String path, Duration within) {
        await(name + " answers " + path)
                .atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .failFast(name + " exited:\n" + output(), () -> !process.isAlive())
                .until(() -> answers(path));
    }

    private boolean answers(String path) {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + path)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void waitForExit() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static String require(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(binary + " is not on PATH. bin/test installs it through bin/tools/prometheus.sh "
                + "(Debian packages prometheus and prometheus-alertmanager); run bin/test, or apt-get install them.");
    }
}
