package io.drainwatch.detector.metrics;

import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The detect role's own meters. Labels come from fixed sets only (stream, outcome, rule, severity,
 * status, reason): never a wallet, hash or custody group.
 */
public final class DetectorMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Integer> openIncidentsByTask = new ConcurrentHashMap<>();

    public DetectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(
                        "drainwatch_incidents_open",
                        openIncidentsByTask,
                        m -> m.values().stream().mapToInt(Integer::intValue).sum())
                .description("Incidents currently firing")
                .register(registry);
        // Every series an alert rule can page on exists from the start at 0: Prometheus' increase() cannot
        // see a counter's first step if the series appears with it, and the first critical alert must page.
        for (RuleId rule : RuleId.values()) {
            for (Severity severity : EnumSet.of(rule.severity(), Severity.CRITICAL)) {
                for (AlertStatus status : AlertStatus.values()) {
                    counter(
                            "drainwatch_alerts_total",
                            "Alert records written",
                            "rule",
                            rule.id(),
                            "severity",
                            lower(severity.name()),
                            "status",
                            lower(status.name()));
                }
            }
        }
        for (AlertStatus status : AlertStatus.values()) {
            counter("drainwatch_incidents_total", "Incident records written", "status", lower(status.name()));
        }
        blockOrderTimeouts("wallet");
        blockOrderTimeouts("destination");
        blockOrderTimeouts("fleet");
        for (String reason : new String[] {"malformed", "deserialization", "processing"}) {
            counter("drainwatch_dead_letters_total", "Records sent to the dead-letter topic", "reason", reason);
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Chain events that reached the filter: {@code watched} ones go on, {@code ignored} ones concern nobody. */
    public void events(String stream, String outcome, long count) {
        if (count > 0) {
            counter(
                            "drainwatch_detect_events_total",
                            "Chain events seen by the filter",
                            "stream",
                            stream,
                            "outcome",
                            outcome)
                    .increment(count);
        }
    }

    /** An alert record written; {@code latency} is from the evidence's block time to now (FIRING only). */
    public void alert(String rule, String severity, String status, Duration latency) {
        counter(
                        "drainwatch_alerts_total",
                        "Alert records written",
                        "rule",
                        rule,
                        "severity",
                        severity,
                        "status",
                        status)
                .increment();
        if (status.equals("firing")) {
            latencies
                    .computeIfAbsent(
                            rule,
                            r -> Timer.builder("drainwatch_detection_latency")
                                    .description(
                                            "From the block time of an alert's first evidence to the alert being written")
                                    .tag("rule", r)
                                    .publishPercentileHistogram()
                                    .minimumExpectedValue(Duration.ofMillis(10))
                                    .maximumExpectedValue(Duration.ofMinutes(10))
                                    .register(registry))
                    .record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    public void incident(String status) {
        counter("drainwatch_incidents_total", "Incident records written", "status", status)
                .increment();
    }

    /** The number of incidents open in one stream task. */
    public void openIncidents(String task, int open) {
        openIncidentsByTask.put(task, open);
    }

    /** A stream task closed here: its open incidents are no longer this instance's to report. */
    public void taskClosed(String task) {
        openIncidentsByTask.remove(task);
    }

    /**
     * A stage ({@code wallet}, {@code destination} or {@code fleet}) judged events it held for block order without the
     * progress ticks that would have put them in order (a writer that does not tick, or one that stopped).
     */
    public void blockOrderGateTimeout(String stage) {
        blockOrderTimeouts(stage).increment();
    }

    private Counter blockOrderTimeouts(String stage) {
        return counter(
                "drainwatch_block_order_gate_timeouts_total",
                "Times a stage judged events it held for block order after detector.block-order.max-wait without"
                        + " progress ticks",
                "stage",
                stage);
    }

    public void deadLetter(String reason) {
        counter("drainwatch_dead_letters_total", "Records sent to the dead-letter topic", "reason", reason)
                .increment();
    }

    /** Registers a gauge read from {@code source}. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(
                name + String.join(",", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
