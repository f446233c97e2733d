package io.drainwatch.detector.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's meters. Prometheus names: {@code drainwatch_relay_posts_total{outcome}} (one per post to
 * one Alertmanager), {@code drainwatch_relay_pages_total{kind,status}} (page changes Alertmanager
 * accepted), {@code drainwatch_relay_records_total{kind,outcome}}, {@code drainwatch_relay_pending{kind}},
 * {@code drainwatch_relay_firing{kind}}, {@code drainwatch_relay_post_seconds} and
 * {@code drainwatch_relay_last_success_timestamp_seconds}; and, summed over the incidents that fire,
 * {@code drainwatch_open_incidents_wallets_drained}, {@code drainwatch_open_incidents_value_lost_usd}
 * and {@code drainwatch_open_incidents_value_at_risk_usd} for the fleet dashboard (the detector cannot
 * label its metrics by custody group; the relay holds every open incident anyway).
 */
public final class RelayMetrics {
    private final MeterRegistry registry;
    private final Map<AlertmanagerClient.Outcome, Counter> posts = new EnumMap<>(AlertmanagerClient.Outcome.class);
    private final Map<Page.Kind, AtomicInteger> pending = new EnumMap<>(Page.Kind.class);
    private final Map<Page.Kind, AtomicInteger> firing = new EnumMap<>(Page.Kind.class);
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private volatile double walletsDrained;
    private volatile double valueLostUsd;
    private volatile double valueAtRiskUsd;
    private final Timer postTime;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (AlertmanagerClient.Outcome outcome : AlertmanagerClient.Outcome.values()) {
            posts.put(
                    outcome,
                    Counter.builder("drainwatch.relay.posts")
                            .description(
                                    "Posts to one Alertmanager, by outcome (accepted, rejected as invalid, failed: unreachable or 5xx)")
                            .tag("outcome", outcome.label())
                            .register(registry));
        }
        for (Page.Kind kind : Page.Kind.values()) {
            AtomicInteger p = new AtomicInteger();
            AtomicInteger f = new AtomicInteger();
            pending.put(kind, p);
            firing.put(kind, f);
            Gauge.builder("drainwatch.relay.pending", p, AtomicInteger::get)
                    .description("Incidents and alerts whose latest state no Alertmanager has accepted yet")
                    .tag("kind", kind.label())
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("drainwatch.relay.firing", f, AtomicInteger::get)
                    .description("Incidents and alerts the relay keeps open in Alertmanager")
                    .tag("kind", kind.label())
                    .strongReference(true)
                    .register(registry);
            for (String status : new String[] {"firing", "resolved"}) {
                pages(kind, status);
            }
            for (String outcome : new String[] {"relayed", "ignored", "undecodable"}) {
                records(kind, outcome);
            }
        }
        Gauge.builder("drainwatch.relay.last.success.timestamp", lastSuccessMillis, m -> m.get() / 1000.0)
                .description("When an Alertmanager last accepted a post (Unix time; 0 before the first)")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        Gauge.builder("drainwatch.open.incidents.wallets.drained", this, m -> m.walletsDrained)
                .description("Wallets drained, summed over the incidents that fire now")
                .strongReference(true)
                .register(registry);
        Gauge.builder("drainwatch.open.incidents.value.lost.usd", this, m -> m.valueLostUsd)
                .description("USD lost, summed over the incidents that fire now")
                .strongReference(true)
                .register(registry);
        Gauge.builder("drainwatch.open.incidents.value.at.risk.usd", this, m -> m.valueAtRiskUsd)
                .description("USD still held by the other watched wallets of the custody groups under attack")
                .strongReference(true)
                .register(registry);
        postTime = Timer.builder("drainwatch.relay.post")
                .description("Time to post one batch to every Alertmanager")
                .publishPercentileHistogram()
                .register(registry);
    }

    void post(AlertmanagerClient.Outcome outcome) {
        java.util.Objects.requireNonNull(posts.get(outcome), "every outcome is registered")
                .increment();
    }

    void postTime(Duration elapsed) {
        postTime.record(elapsed);
    }

    void delivered(Page page) {
        pages(page.kind(), page.firing() ? "firing" : "resolved").increment();
    }

    void record(Page.Kind kind, String outcome) {
        records(kind, outcome).increment();
    }

    void success(Instant at) {
        lastSuccessMillis.set(at.toEpochMilli());
    }

    void book(PageBook book) {
        for (Page.Kind kind : Page.Kind.values()) {
            java.util.Objects.requireNonNull(pending.get(kind), "every kind is registered")
                    .set(book.pending(kind));
            java.util.Objects.requireNonNull(firing.get(kind), "every kind is registered")
                    .set(book.firing(kind));
        }
        double wallets = 0;
        double lost = 0;
        double atRisk = 0;
        for (Page incident : book.firingIncidents()) {
            if (incident.figures() != null) {
                wallets += incident.figures().walletsDrained();
                lost += incident.figures().valueLostUsd();
                atRisk += incident.figures().valueAtRiskUsd();
            }
        }
        walletsDrained = wallets;
        valueLostUsd = lost;
        valueAtRiskUsd = atRisk;
    }

    private Counter pages(Page.Kind kind, String status) {
        return Counter.builder("drainwatch.relay.pages")
                .description("Incident and alert state changes an Alertmanager accepted")
                .tag("kind", kind.label())
                .tag("status", status)
                .register(registry);
    }

    private Counter records(Page.Kind kind, String outcome) {
        return Counter.builder("drainwatch.relay.records")
                .description("Records read from the incidents and alerts topics, by outcome")
                .tag("kind", kind.label())
                .tag("outcome", outcome)
                .register(registry);
    }
}
