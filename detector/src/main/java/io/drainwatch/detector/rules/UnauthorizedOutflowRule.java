package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * {@code unauthorized-outflow}: value left a watched wallet in a transaction the custodian's signer
 * never authorised. Whoever sent it holds the wallet's key. The signer's record may trail the block
 * slightly, so the check is made again after a grace period before it fires.
 */
public final class UnauthorizedOutflowRule {
    private UnauthorizedOutflowRule() {}

    /** Whether this outflow must be matched against the signer's records (the rule is on and the value is material). */
    public static boolean applies(Transfer out, ReferenceData ref, RuleSettings rules) {
        if (!rules.unauthorizedOutflow() || out.amount().signum() == 0) {
            return false;
        }
        return ref.usd(out).map(usd -> usd >= rules.unauthorizedMinUsd()).orElse(true);
    }

    /** The finding, if the transaction is still unsigned. */
    public static Optional<Finding> check(Transfer out, String group, ReferenceData ref, RuleSettings rules) {
        if (ref.signed(out.chainId(), out.txHash())) {
            return Optional.empty();
        }
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        return Optional.of(new Finding(
                RuleId.UNAUTHORIZED_OUTFLOW,
                Severity.CRITICAL,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.orElse(null)),
                "Unauthorised outflow from " + Money.shortAddress(out.from()) + ": " + value + " to "
                        + Money.shortAddress(out.to()),
                "Transaction " + out.txHash() + " moved " + value + " of " + BalanceDrainRule.assetName(out)
                        + " from watched wallet "
                        + out.from() + " (group " + group + ") to " + out.to()
                        + ", and the custodian's signer has no record of it "
                        + rules.unauthorizedGrace().toSeconds()
                        + "s after the block. Someone else holds this wallet's key: "
                        + "freeze the group's signing, check for a key leak, and sweep the group's remaining funds to cold storage.",
                Map.of(
                        "grace",
                        rules.unauthorizedGrace().toString(),
                        "min-usd",
                        Double.toString(rules.unauthorizedMinUsd()))));
    }
}
