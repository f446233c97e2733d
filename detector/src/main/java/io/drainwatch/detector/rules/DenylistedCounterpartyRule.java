package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code denylisted-counterparty}: a watched wallet paid an address labelled sanctioned, attacker,
 * drainer or mixer. Fires even when the custodian signed the transaction: paying a sanctioned
 * address is an incident in itself.
 */
public final class DenylistedCounterpartyRule {
    private DenylistedCounterpartyRule() {}

    public static Optional<Finding> evaluate(Transfer out, String group, ReferenceData ref, RuleSettings rules) {
        if (!rules.denylisted()) {
            return Optional.empty();
        }
        Optional<LabelCategory> label =
                ref.label(out.chainId(), out.to()).filter(rules.denylistedCategories()::contains);
        if (label.isEmpty()) {
            return Optional.empty();
        }
        String category = label.get().name().toLowerCase(Locale.ROOT);
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        return Optional.of(new Finding(
                RuleId.DENYLISTED_COUNTERPARTY,
                Severity.CRITICAL,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.orElse(null)),
                "Payment to " + category + " address " + Money.shortAddress(out.to()) + " from "
                        + Money.shortAddress(out.from()) + ": " + value,
                "Watched wallet " + out.from() + " (group " + group + ") sent " + value + " of "
                        + BalanceDrainRule.assetName(out)
                        + " to " + out.to() + ", labelled " + category + ", in transaction " + out.txHash()
                        + ". If the custodian did not sign it the key is compromised; if it did, compliance must review the payment now.",
                Map.of(
                        "categories",
                        rules.denylistedCategories().stream()
                                .map(c -> c.name().toLowerCase(Locale.ROOT))
                                .sorted()
                                .collect(Collectors.joining(",")))));
    }
}
