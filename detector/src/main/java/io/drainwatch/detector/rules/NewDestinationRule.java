package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * {@code new-destination}: a large outflow to an address this wallet never paid and the custodian
 * does not know. A low signal on its own; a fresh recipient (no transactions, no code) raises it.
 */
public final class NewDestinationRule {
    private NewDestinationRule() {}

    public static Optional<Finding> evaluate(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        if (!rules.newDestination()
                || state.paidBefore(out.to())
                || ref.isOwnOrAllowed(out.chainId(), out.to(), group)
                || ref.signed(out.chainId(), out.txHash())) {
            return Optional.empty();
        }
        Optional<Double> usd = ref.usd(out);
        if (usd.isEmpty() || usd.get() < rules.newDestinationMinUsd()) {
            return Optional.empty();
        }
        boolean fresh = Boolean.TRUE.equals(out.recipientFresh());
        return Optional.of(new Finding(
                RuleId.NEW_DESTINATION,
                fresh ? Severity.MEDIUM : Severity.LOW,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.get()),
                "Large outflow to new " + (fresh ? "fresh " : "") + "address " + Money.shortAddress(out.to()) + ": "
                        + Money.usd(usd.get()),
                "Watched wallet " + out.from() + " (group " + group + ") sent " + Money.usd(usd.get()) + " to "
                        + out.to()
                        + ", which it never paid before" + (fresh ? " and which had never transacted" : "")
                        + ". Confirm with the wallet's owner or the withdrawal queue.",
                Map.of("min-usd", Double.toString(rules.newDestinationMinUsd()))));
    }
}
