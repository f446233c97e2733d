package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.chain.IngestConfig;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code drainwatch ingest}. */
class IngestCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = Drainwatch.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void aBadOptionStopsStartWithTheKeyAndNeverTheSecret() {
        String[] result =
                run("ingest", "--rpc-url", "https://node.example/v2/SECRET", "--chain-id", "0", "--metrics-port", "0");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--chain-id").doesNotContain("SECRET");

        result = run("ingest", "--rpc-url", "wss://node.example/v2/SECRET", "--chain-id", "1", "--metrics-port", "0");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1])
                .contains("--rpc-url")
                .contains("wss://node.example/***")
                .doesNotContain("SECRET");
    }

    @Test
    void withoutAnRpcUrlStartStopsNamingTheOptionAndItsVariable() {
        assertThat(System.getenv("DRAINWATCH_RPC_URLS"))
                .as("this test reads an unset variable")
                .isNull();
        String[] result = run("ingest", "--chain-id", "1", "--metrics-port", "0");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("--rpc-url").contains("DRAINWATCH_RPC_URLS");
    }

    @Test
    void theOptionsBuildOneValidatedConfiguration() {
        IngestCommand command = new IngestCommand();
        new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(
                        "--rpc-url",
                        "http://a.example:8545,https://b.example/KEY",
                        "--ws-url",
                        "ws://a.example:8546",
                        "--chain-id",
                        "8453",
                        "--from-block",
                        "100",
                        "--trace",
                        "parity",
                        "--reorg-window",
                        "64",
                        "--topic",
                        "transfers=base.transfers");
        IngestConfig config = command.config();
        assertThat(config.rpcUrls())
                .extracting(RpcUrl::redacted)
                .containsExactly("http://a.example:8545", "https://b.example/***");
        assertThat(config.chainId()).isEqualTo(8453);
        assertThat(config.fromBlock()).isEqualTo(100);
        assertThat(config.traceMode()).isEqualTo(TraceMode.PARITY);
        assertThat(config.reorgWindow()).isEqualTo(64);
        assertThat(config.topics().transfers()).isEqualTo("base.transfers");
        assertThat(config.progressTopic()).isEqualTo("drainwatch.ingest-progress");
    }

    @Test
    void settingsComeFromTheFileTheEnvironmentTheOptionsAndSetInThatOrder() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("ingest", ".properties");
        try {
            java.nio.file.Files.writeString(
                    file, "chain.id=8453\ningest.reorg-window=64\ningest.batch-blocks=10\nrpc.timeout=PT3S\n");
            IngestCommand command = new IngestCommand();
            new CommandLine(command)
                    .parseArgs(
                            "--config",
                            file.toString(),
                            "--batch-blocks",
                            "30",
                            "--poll-interval",
                            "500ms",
                            "--set",
                            "ingest.batch-blocks=40");
            IngestConfig config = command.config(java.util.Map.of(
                    "DRAINWATCH_RPC_URLS", "https://b.example/KEY",
                    "DRAINWATCH_INGEST_REORG__WINDOW", "96"));
            assertThat(config.chainId()).as("file").isEqualTo(8453);
            assertThat(config.rpc().timeout()).as("file, ISO-8601").hasSeconds(3);
            assertThat(config.reorgWindow()).as("environment over file").isEqualTo(96);
            assertThat(config.batchBlocks()).as("--set over option over file").isEqualTo(40);
            assertThat(config.pollInterval()).as("option").hasMillis(500);
            assertThat(config.rpcUrls()).extracting(RpcUrl::redacted).containsExactly("https://b.example/***");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aBadDurationNamesTheKeyTheOptionAndTheAcceptedForms() {
        String[] result =
                run("ingest", "--rpc-url", "https://node.example/", "--chain-id", "1", "--poll-interval", "1");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1])
                .contains("ingest.poll-interval (--poll-interval): '1' is not a duration; accepted: 500ms, 30s");
    }

    @Test
    void anUnknownSettingStopsStartNamingIt() {
        String[] result = run("ingest", "--chain-id", "1", "--set", "ingest.reorg.window=64");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1]).contains("ingest.reorg.window: not a drainwatch ingest setting");
    }

    @Test
    void metricsPortMinusOneIsAValueNotAnOption() {
        IngestCommand command = new IngestCommand();
        new CommandLine(command).parseArgs("--metrics-port", "-1", "--metrics-host", "127.0.0.1");
        assertThat(command.role.metrics.layer().values())
                .containsExactlyInAnyOrderEntriesOf(
                        java.util.Map.of("metrics.port", "-1", "metrics.host", "127.0.0.1"));
    }
}
