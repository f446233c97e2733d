package io.drainwatch.detector.opstest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlNamesTest {

    @Test
    void findsTheSelectedMetricsOnly() {
        assertThat(PromqlNames.of("sum by (chain, kind) (rate(drainwatch_rpc_errors_total{kind=~\"a|b\"}[1m]))"
                        + " or on() vector(0)"))
                .containsExactly("drainwatch_rpc_errors_total");
        assertThat(PromqlNames.of("absent(up{job=\"drainwatch-detect\"} == 1)")).containsExactly("up");
        assertThat(PromqlNames.of("time() - max(drainwatch_relay_last_success_timestamp_seconds > 0)"))
                .containsExactly("drainwatch_relay_last_success_timestamp_seconds");
        assertThat(PromqlNames.of("histogram_quantile(0.99, sum by (le, rule) (rate(x_bucket[5m] offset 1h)))"))
                .containsExactly("x_bucket");
        assertThat(PromqlNames.of("sum(a_total) by (job) / ignoring(outcome) group_left sum(b) unless c > bool 1e3"))
                .containsExactly("a_total", "b", "c");
        assertThat(PromqlNames.of("drainwatch:detect_input_lag_seconds:max > 30"))
                .containsExactly("drainwatch:detect_input_lag_seconds:max");
        assertThat(PromqlNames.of("label_replace(m, \"dst\", \"$1\", \"src\", \"(.*)\") and NaN"))
                .containsExactly("m");
    }
}
