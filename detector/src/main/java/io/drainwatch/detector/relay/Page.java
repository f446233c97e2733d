package io.drainwatch.detector.relay;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One thing the relay keeps Alertmanager informed about: an incident or an alert, in its latest state.
 * {@code labels} identify it in Alertmanager (bounded values only: alertname, rule, severity, chain,
 * custody group, incident or alert id); {@code annotations} carry what the on-call engineer reads.
 *
 * @param key the topic record key with its kind, unique across both topics
 * @param resolvedAt when the incident or alert ended, or null while it fires
 * @param figures an incident's wallets and values; null for alerts
 */
public record Page(
        String key,
        Kind kind,
        SortedMap<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        @Nullable Instant resolvedAt,
        @Nullable String generatorUrl,
        @Nullable Figures figures) {

    /** An incident's numbers, summed over firing incidents into the relay's gauges. */
    public record Figures(int walletsDrained, double valueLostUsd, double valueAtRiskUsd) {}

    /** Where a page comes from. */
    public enum Kind {
        INCIDENT,
        ALERT;

        /** The value of the {@code kind} metric label. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Page {
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
        annotations = Map.copyOf(annotations);
    }

    /** Whether the page still fires. */
    public boolean firing() {
        return resolvedAt == null;
    }

    /** This page as Alertmanager's v2 API wants it; a firing page is held open until {@code holdUntil}. */
    public PostableAlert toPostable(Instant holdUntil) {
        Instant end = resolvedAt != null ? resolvedAt : holdUntil;
        return new PostableAlert(labels, annotations, startsAt, notBeforeStart(end), generatorUrl);
    }

    /** The same labels, ended at {@code at}: tells Alertmanager an old label set no longer fires. */
    public PostableAlert toResolved(Instant at) {
        return new PostableAlert(labels, annotations, startsAt, notBeforeStart(at), generatorUrl);
    }

    // Alertmanager rejects a whole post with 400 when one alert ends before it starts (clock skew).
    private Instant notBeforeStart(Instant end) {
        return end.isBefore(startsAt) ? startsAt : end;
    }
}
