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
}
