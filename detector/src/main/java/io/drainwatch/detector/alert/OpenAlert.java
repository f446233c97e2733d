package io.drainwatch.detector.alert;

import io.drainwatch.detector.rules.Evidence;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An alert that has fired and not yet ended: its identity, the evidence gathered so far and the
 * latest explanation. Immutable; each change returns the next version.
 *
 * @param lastChange wall-clock time of the latest new evidence, for resolving quiet alerts
 */
public record OpenAlert(
        String alertId,
        RuleId rule,
        Severity severity,
        long chainId,
        String custodyGroup,
        String subject,
        int version,
        List<Evidence> evidence,
        String summary,
        String description,
        Map<String, String> thresholds,
        long lastChange) {

    /** Evidence kept per alert; the count and totals stay exact in the incident. */
    static final int MAX_EVIDENCE = 500;

    /**
     * The deterministic id of the alert a finding opens: rule, chain, subject and the block of the
     * first evidence. A replay of the same events yields the same id, so it never pages twice.
     */
    public static String idFor(Finding f) {
        return f.rule().id() + ":" + f.chainId() + ":" + f.subject() + ":"
                + f.evidence().blockNumber();
    }

    public static OpenAlert open(Finding f, long now) {
        return new OpenAlert(
                idFor(f),
                f.rule(),
                f.severity(),
                f.chainId(),
                f.custodyGroup(),
                f.subject(),
                1,
                List.of(f.evidence()),
                f.summary(),
                f.description(),
                f.thresholds(),
                now);
    }

    /** Whether the evidence of {@code eventId} is already part of this alert. */
    public boolean has(String eventId) {
        return evidence.stream().anyMatch(e -> e.eventId().equals(eventId));
    }

    /** The next version with {@code f}'s evidence added; empty when it adds nothing new. */
    public Optional<OpenAlert> add(Finding f, long now) {
        if (has(f.evidence().eventId())) {
            return Optional.empty();
        }
        List<Evidence> next = new ArrayList<>(evidence);
        next.add(f.evidence());
        if (next.size() > MAX_EVIDENCE) {
            next.remove(1); // keep the first evidence: it anchors the alert id
        }
        Severity severity = f.severity().compareTo(this.severity) > 0 ? f.severity() : this.severity;
        // A coordinated sweep's groups widen as wallets of other groups pay the same destination.
        return Optional.of(new OpenAlert(
                alertId,
                rule,
                severity,
                chainId,
                f.custodyGroup(),
                subject,
                version + 1,
                next,
                f.summary(),
                f.description(),
                f.thresholds(),
                now));
    }

    /** The next version without the evidence of {@code eventId}, which a reorganisation removed. */
    public OpenAlert without(String eventId) {
        return next(evidence.stream().filter(e -> !e.eventId().equals(eventId)).toList());
    }

    /**
     * This alert as another stage writes it: with {@code version}, at {@code severity} (never lower
     * than its own), and, when its wallet joined incident {@code incidentId}, saying so.
     */
    public OpenAlert written(int version, Severity severity, @Nullable String incidentId) {
        return new OpenAlert(
                alertId,
                rule,
                severity.compareTo(this.severity) > 0 ? severity : this.severity,
                chainId,
                custodyGroup,
                subject,
                version,
                evidence,
                incidentId == null ? summary : "Part of incident " + incidentId + ": " + summary,
                incidentId == null
                        ? description
                        : description + " The wallet is one of those drained in incident " + incidentId
                                + ": handle it with the incident.",
                thresholds,
                lastChange);
    }

    /** The next version, unchanged but for its version number (for RESOLVED and RETRACTED). */
    public OpenAlert ended() {
        return next(evidence);
    }

    private OpenAlert next(List<Evidence> nextEvidence) {
        return new OpenAlert(
                alertId,
                rule,
                severity,
                chainId,
                custodyGroup,
                subject,
                version + 1,
                nextEvidence,
                summary,
                description,
                thresholds,
                lastChange);
    }

    /** Distinct watched wallets in the evidence, in order of appearance. */
    public List<String> wallets() {
        return evidence.stream().map(Evidence::wallet).distinct().toList();
    }

    public Evidence first() {
        return evidence.get(0);
    }

    public Evidence latest() {
        return evidence.get(evidence.size() - 1);
    }
}
