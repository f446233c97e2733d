package io.drainwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.relay.RelayMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void roleServerTagsEveryMeterAndExposesJvmAndRelayMeters() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "relay")) {
            new RelayMetrics(server.registry());

            String body = get(server, "/metrics").body();

            assertThat(body)
                    .contains("drainwatch_relay_posts_total{outcome=\"accepted\",role=\"relay\"} 0.0")
                    .contains("drainwatch_relay_pending{kind=\"incident\",role=\"relay\"} 0")
                    .contains("drainwatch_relay_pages_total{kind=\"incident\",role=\"relay\",status=\"firing\"} 0.0")
                    .contains("drainwatch_relay_last_success_timestamp_seconds{role=\"relay\"} 0")
                    .contains("drainwatch_relay_post_seconds_bucket{role=\"relay\",le=")
                    .contains("drainwatch_open_incidents_value_at_risk_usd{role=\"relay\"} 0")
                    .contains("drainwatch_open_incidents_value_lost_usd{role=\"relay\"} 0")
                    .contains("drainwatch_open_incidents_wallets_drained{role=\"relay\"} 0")
                    .contains("jvm_memory_used_bytes{area=\"heap\"")
                    .contains("process_uptime_seconds{role=\"relay\"}");
        }
    }

    @Test
    void readyFollowsTheRoleCheck() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "detect")) {
            assertThat(get(server, "/ready").statusCode())
                    .as("not ready before the role has started its work")
                    .isEqualTo(503);
            server.readiness(() -> false);
            assertThat(get(server, "/ready").statusCode()).isEqualTo(503);
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            server.readiness(() -> true);
            assertThat(get(server, "/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void portZeroPicksAFreePortAndMinusOneServesNoneButKeepsTheMeters() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "ingest")) {
            assertThat(server.serving()).isTrue();
            assertThat(server.port()).isPositive();
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
        }
        try (MetricsServer off = MetricsServer.start("127.0.0.1", MetricsServer.OFF, "ingest")) {
            assertThat(off.serving()).isFalse();
            assertThat(off.port()).isEqualTo(-1);
            off.registry().counter("drainwatch_test_total").increment();
            assertThat(off.registry().scrape()).contains("drainwatch_test_total{role=\"ingest\"} 1.0");
        }
    }

    @Test
    void unknownRoleIsRefused() {
        assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", 0, "wallet-0xabc"))
                .hasMessageContaining("detect, ingest, relay");
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
