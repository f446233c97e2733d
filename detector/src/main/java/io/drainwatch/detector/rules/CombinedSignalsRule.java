package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code combined-signals}: several low or medium findings on one wallet within a window of block time, each of
 * which alone is routine, add up. Each distinct rule counts once, at the weight of its strongest finding in the
 * window (low 1, medium 2); with at least two rules, a score of {@code medium-score} raises a medium alert,
 * {@code high-score} high and {@code critical-score} critical. The alert names the signals that combined.
 */
public final class CombinedSignalsRule {
    private CombinedSignalsRule() {}

    public record Outcome(Activity activity, Optional<Finding> finding) {}

    /** The weight of a finding as a signal; 0 when it is no signal (high or critical, or this rule's own). */
    static int weight(Finding f) {
        if (f.rule() == RuleId.COMBINED_SIGNALS) {
            return 0;
        }
        return switch (f.severity()) {
            case LOW -> 1;
            case MEDIUM -> 2;
            default -> 0;
        };
    }

    /** Adds the findings of one event to the wallet's signals and says whether they now combine. */
    public static Outcome evaluate(List<Finding> findings, Activity activity, RuleSettings rules) {
        List<Finding> signalling = findings.stream().filter(f -> weight(f) > 0).toList();
        if (signalling.isEmpty()) {
            return new Outcome(activity, Optional.empty());
        }
        long now = signalling.stream()
                .mapToLong(f -> f.evidence().blockTime())
                .max()
                .orElseThrow();
        List<Activity.Signal> kept = new ArrayList<>();
        for (Activity.Signal s : activity.signals()) {
            if (now - s.time() < rules.combinedWindow().toMillis()) {
                kept.add(s);
            }
        }
        for (Finding f : signalling) {
            kept.add(new Activity.Signal(
                    f.rule().id(), f.evidence().eventId(), f.evidence().blockTime(), weight(f)));
        }
        Activity next = activity.withSignals(kept);
        if (!rules.combinedSignals()) {
            return new Outcome(next, Optional.empty());
        }
        Map<String, Integer> byRule = new LinkedHashMap<>();
        for (Activity.Signal s : next.signals()) {
            byRule.merge(s.rule(), s.weight(), Math::max);
        }
        int score = byRule.values().stream().mapToInt(Integer::intValue).sum();
        if (byRule.size() < 2 || score < rules.combinedMediumScore()) {
            return new Outcome(next, Optional.empty());
        }
        Severity severity = score >= rules.combinedCriticalScore()
                ? Severity.CRITICAL
                : score >= rules.combinedHighScore() ? Severity.HIGH : Severity.MEDIUM;
        Finding latest = signalling.get(signalling.size() - 1);
        String names = byRule.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(" + "));
        String details = signalling.stream().map(Finding::summary).collect(Collectors.joining("; "));
        return new Outcome(
                next,
                Optional.of(new Finding(
                        RuleId.COMBINED_SIGNALS,
                        severity,
                        latest.chainId(),
                        latest.custodyGroup(),
                        latest.subject(),
                        latest.evidence(),
                        byRule.size() + " signals on wallet " + Money.shortAddress(latest.subject()) + ": "
                                + String.join(" + ", byRule.keySet()) + " (score " + score + ")",
                        "Within " + rules.combinedWindow().toMinutes() + " min of block time, watched wallet "
                                + latest.subject() + " (group " + latest.custodyGroup() + ") raised " + names
                                + " = score " + score + " (medium at " + rules.combinedMediumScore() + ", high at "
                                + rules.combinedHighScore() + ", critical at " + rules.combinedCriticalScore()
                                + "). Latest: " + details + ". Each alone is routine; together they look like someone"
                                + " else using the wallet's key: check the wallet's alerts and ask its owner, and move"
                                + " its funds if nobody at the custodian made these transactions.",
                        Map.of(
                                "window", rules.combinedWindow().toString(),
                                "score", Integer.toString(score),
                                "medium-score", Integer.toString(rules.combinedMediumScore()),
                                "high-score", Integer.toString(rules.combinedHighScore()),
                                "critical-score", Integer.toString(rules.combinedCriticalScore())))));
    }
}
