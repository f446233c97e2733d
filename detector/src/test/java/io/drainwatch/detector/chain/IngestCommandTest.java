package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.cli.Drainwatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code drainwatch ingest} and the metric names it exposes. */
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
    void metricsAreExposedUnderTheDocumentedNamesWithChainLabelsOnly() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics metrics = new IngestMetrics(registry, 1);
        metrics.block(10, 1_700_000_000L, 12);
        metrics.tip(12, 1_700_000_024L, 10);
        metrics.reorg(3, true);
        metrics.rpc("eth_getBlockByNumber", "ok", 1_000_000);
        metrics.rpcError(RpcErrorKind.HTTP_429);
        metrics.events("transfer").increment(5);
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("drainwatch_ingest_head_lag_blocks{chain=\"1\"} 2.0")
                .as("two blocks behind a head mined 24 s after the last block written")
                .contains("drainwatch_ingest_head_lag_seconds{chain=\"1\"} 24.0")
                .contains("drainwatch_ingest_last_block_timestamp_seconds{chain=\"1\"} 1.7E9")
                .contains("drainwatch_ingest_blocks_total{chain=\"1\"} 1.0")
                .contains("drainwatch_ingest_events_total{chain=\"1\",type=\"transfer\"} 5.0")
                .contains("drainwatch_ingest_events_total{chain=\"1\",type=\"delegation\"} 0.0")
                .contains("drainwatch_ingest_reorgs_total{chain=\"1\"} 1.0")
                .contains("drainwatch_ingest_reorg_depth_blocks_max{chain=\"1\"} 3.0")
                .contains("drainwatch_ingest_deep_reorgs_total{chain=\"1\"} 1.0")
                .contains(
                        "drainwatch_rpc_request_seconds_count{chain=\"1\",method=\"eth_getBlockByNumber\",outcome=\"ok\"} 1")
                .as("a 1 ms request lands in the lowest latency bucket, for p99 panels")
                .contains(
                        "drainwatch_rpc_request_seconds_bucket{chain=\"1\",method=\"eth_getBlockByNumber\",outcome=\"ok\",le=\"0.005\"} 1")
                .contains(
                        "drainwatch_rpc_request_seconds_bucket{chain=\"1\",method=\"eth_getBlockByNumber\",outcome=\"ok\",le=\"+Inf\"} 1")
                .contains("drainwatch_rpc_errors_total{chain=\"1\",kind=\"http_429\"} 1.0");
    }
}
