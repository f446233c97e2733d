package io.drainwatch.detector.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The PromQL of deploy/prometheus/rules, for tests that run it against a live Prometheus. */
public final class RuleFiles {
    private RuleFiles() {}

    /** Every expression of every alerting and recording rule. */
    public static List<String> expressions() {
        try {
            return PrometheusRulesIT.expressions();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
