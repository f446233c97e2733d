package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The metric names the ingest role exposes. */
class IngestMetricsTest {
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
                .contains("drainwatch_rpc_errors_total{chain=\"1\",kind=\"http_429\"} 1.0")
                .as("every error kind is exposed from the start, so the scrape of a healthy ingestor has the name")
                .contains("drainwatch_rpc_errors_total{chain=\"1\",kind=\"timeout\"} 0.0");
    }
}
