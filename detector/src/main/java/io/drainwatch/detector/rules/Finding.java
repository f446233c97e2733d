package io.drainwatch.detector.rules;

import io.drainwatch.schemas.Severity;
import java.util.Map;

/**
 * A rule's conclusion about one subject (a wallet, or a destination for per-destination rules),
 * with the evidence that triggered it and an explanation an on-call engineer can act on.
 */
public record Finding(
        RuleId rule,
        Severity severity,
        long chainId,
        String custodyGroup,
        String subject,
        Evidence evidence,
        String summary,
        String description,
        Map<String, String> thresholds) {}
