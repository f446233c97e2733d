package io.drainwatch.detector.chain;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real anvil node in a child process (the binary that {@code bin/tools/anvil.sh} installs and
 * exports as {@code DW_TOOL_ANVIL}). Its state is kept in a file, so a stop and a start resume
 * the same chain.
 */
public final class AnvilNode implements AutoCloseable {
    public static final long CHAIN_ID = 31337;
    public static final String MNEMONIC = "test test test test test test test test test test test junk";

    private final Path stateDir;
    private final int port;
    private final List<String> extraArgs;
    private @Nullable Process process;
    private @Nullable JsonRpcClient rpc;

    private AnvilNode(Path stateDir, int port, List<String> extraArgs) {
        this.stateDir = stateDir;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts anvil on a free port; {@code extraArgs} such as {@code --block-time 1} or {@code --no-mining}. */
    public static AnvilNode start(String... extraArgs) {
        try {
            AnvilNode node = new AnvilNode(Files.createTempDirectory("anvil-it"), freePort(), List.of(extraArgs));
            node.startProcess();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String binary() {
        String anvil = System.getenv("DW_TOOL_ANVIL");
        if (anvil == null || !Files.isExecutable(Path.of(anvil))) {
            throw new IllegalStateException("DW_TOOL_ANVIL is not set to the anvil binary: run the tests with bin/test "
                    + "(or source bin/tools/anvil.sh first), which installs anvil 1.7.1 into .tools/");
        }
        return anvil;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public void startProcess() {
        List<String> cmd = new ArrayList<>(List.of(
                binary(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--chain-id",
                Long.toString(CHAIN_ID),
                "--accounts",
                "10",
                "--balance",
                "10000",
                "--mnemonic",
                MNEMONIC,
                "--hardfork",
                "prague",
                "--state",
                stateDir.resolve("state.json").toString()));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(stateDir.resolve("anvil.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start anvil", e);
        }
        rpc = new JsonRpcClient(
                List.of(httpUrl()),
                new JsonRpcClient.Settings(Duration.ofSeconds(60), 1, Duration.ofMillis(50), 500, 0),
                IngestMetrics.discarding(CHAIN_ID));
        await("anvil up")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> rpc.call("eth_chainId").asText().equals("0x7a69"));
    }

    /** Stops anvil gracefully (it writes its state file) and waits for the process to end. */
    public void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
            await("anvil stopped").atMost(Duration.ofSeconds(20)).until(() -> !p.isAlive());
            process = null;
        }
    }

    /** Freezes anvil (SIGSTOP): it holds its connections and answers nothing until {@link #resume}. */
    public void pause() {
        signal("STOP");
    }

    /** Lets anvil run again after {@link #pause} (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("anvil is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal anvil", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling anvil", e);
        }
    }

    public RpcUrl httpUrl() {
        return new RpcUrl(URI.create("http://127.0.0.1:" + port));
    }

    public RpcUrl wsUrl() {
        return new RpcUrl(URI.create("ws://127.0.0.1:" + port));
    }

    public JsonRpcClient rpc() {
        if (rpc == null) {
            throw new IllegalStateException("anvil is not running");
        }
        return rpc;
    }

    public JsonNode call(String method, Object... params) {
        return rpc().call(method, params);
    }

    public long blockNumber() {
        return Hex.lng(call("eth_blockNumber").asText());
    }

    /** Kills anvil, waits until the process has ended, and deletes its state folder. */
    @Override
    public void close() {
        Process p = process;
        if (p != null) {
            try {
                p.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete anvil's state folder " + stateDir, e);
        }
    }
}
