package io.drainwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DetectorMetricsTest {

    @Test
    void seriesThatPageExistAtZeroBeforeTheFirstAlert() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DetectorMetrics metrics = new DetectorMetrics(registry);
        assertThat(registry.get("drainwatch_alerts_total")
                        .tags("rule", "unauthorized-outflow", "severity", "critical", "status", "firing")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get("drainwatch_alerts_total")
                        .tags("rule", "balance-drain", "severity", "high", "status", "firing")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get("drainwatch_incidents_total")
                        .tags("status", "firing")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get("drainwatch_dead_letters_total")
                        .tags("reason", "malformed")
                        .counter()
                        .count())
                .isZero();

        metrics.alert("unauthorized-outflow", "critical", "firing", Duration.ofMillis(250));
        assertThat(registry.get("drainwatch_alerts_total")
                        .tags("rule", "unauthorized-outflow", "severity", "critical", "status", "firing")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("drainwatch_detection_latency")
                        .tags("rule", "unauthorized-outflow")
                        .timer()
                        .count())
                .isEqualTo(1);
    }
}
