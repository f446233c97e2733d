package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.AlertRecords;
import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The open alerts of one stage, kept in a state store keyed by rule and subject, and the records
 * their lifecycle writes: FIRING, UPDATED, RESOLVED when quiet, RETRACTED when a reorganisation
 * removes all of their evidence.
 */
final class AlertBook {
    private final KeyValueStore<String, OpenAlert> store;
    private final ExplorerLinks links;
    private final StoreReferenceData reference;
    private final DetectorMetrics metrics;

    AlertBook(
            KeyValueStore<String, OpenAlert> store,
            ExplorerLinks links,
            StoreReferenceData reference,
            DetectorMetrics metrics) {
        this.store = store;
        this.links = links;
        this.reference = reference;
        this.metrics = metrics;
    }

    static String key(RuleId rule, long chainId, String subject) {
        return rule.id() + "|" + chainId + ":" + subject;
    }

    /** Adds a finding: opens the alert or adds its evidence. Empty when the evidence was already known. */
    Optional<DrainAlert> apply(Finding f, long now) {
        String key = key(f.rule(), f.chainId(), f.subject());
        OpenAlert open = store.get(key);
        OpenAlert next;
        AlertStatus status;
        if (open == null) {
            next = OpenAlert.open(f, now);
            status = AlertStatus.FIRING;
        } else {
            Optional<OpenAlert> added = open.add(f, now);
            if (added.isEmpty()) {
                return Optional.empty();
            }
            next = added.get();
            status = AlertStatus.UPDATED;
        }
        store.put(key, next);
        return Optional.of(record(next, status, now, now - f.evidence().blockTime()));
    }

    /** Removes the evidence of {@code eventId} from the alert at {@code key}, if it has it. */
    Optional<DrainAlert> retract(String key, String eventId, long now) {
        OpenAlert open = store.get(key);
        if (open == null || !open.has(eventId)) {
            return Optional.empty();
        }
        OpenAlert next = open.without(eventId);
        if (next.evidence().isEmpty()) {
            store.delete(key);
            return Optional.of(record(open.ended(), AlertStatus.RETRACTED, now, 0));
        }
        store.put(key, next);
        return Optional.of(record(next, AlertStatus.UPDATED, now, 0));
    }

    /** Resolves the alert at {@code key} now (what it warned about has ended), if it is open. */
    Optional<DrainAlert> resolve(String key, long now) {
        OpenAlert open = store.get(key);
        if (open == null) {
            return Optional.empty();
        }
        store.delete(key);
        return Optional.of(record(open.ended(), AlertStatus.RESOLVED, now, 0));
    }

    /** The alert at {@code key}, if open. */
    Optional<OpenAlert> get(String key) {
        return Optional.ofNullable(store.get(key));
    }

    /** Resolves every alert with no new evidence for {@code quiet} and forwards each, keyed by its id. */
    void forwardQuiet(ProcessorContext<String, StageOutput> context, long now, Duration quiet) {
        for (DrainAlert resolved : resolveQuiet(now, quiet)) {
            context.forward(new Record<>(resolved.getAlertId(), new StageOutput.Alert(resolved), now));
        }
    }

    /** Resolves every alert with no new evidence for {@code quiet}. */
    List<DrainAlert> resolveQuiet(long now, Duration quiet) {
        List<KeyValue<String, OpenAlert>> quietOnes = new ArrayList<>();
        try (KeyValueIterator<String, OpenAlert> all = store.all()) {
            all.forEachRemaining(kv -> {
                if (now - kv.value.lastChange() >= quiet.toMillis()) {
                    quietOnes.add(kv);
                }
            });
        }
        List<DrainAlert> resolved = new ArrayList<>();
        for (KeyValue<String, OpenAlert> kv : quietOnes) {
            store.delete(kv.key);
            resolved.add(record(kv.value.ended(), AlertStatus.RESOLVED, now, 0));
        }
        return resolved;
    }

    private DrainAlert record(OpenAlert a, AlertStatus status, long now, long latencyMs) {
        long confirmations = reference
                .head(a.chainId())
                .map(h -> h - a.latest().blockNumber())
                .orElse(0L);
        DrainAlert alert = AlertRecords.toRecord(a, status, now, confirmations, links);
        metrics.alert(
                a.rule().id(),
                a.severity().name().toLowerCase(Locale.ROOT),
                status.name().toLowerCase(Locale.ROOT),
                Duration.ofMillis(latencyMs));
        return alert;
    }
}
