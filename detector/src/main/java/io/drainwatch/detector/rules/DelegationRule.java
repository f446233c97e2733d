package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * {@code delegation}: an EIP-7702 authorisation makes a watched wallet run the code of a contract that is
 * not the custodian's (own, allowlisted, or another watched wallet). Whoever controls that contract can move
 * everything the wallet holds and everything deposited later, so it is critical at the block that includes
 * it. Outflows from the wallet from that block on (to addresses that are not the custodian's, in transactions
 * its signer did not authorise) are the delegate forwarding funds and join the same alert. A reset to the zero
 * address, or a new delegation to an allowlisted contract, resolves it.
 */
public final class DelegationRule {
    private DelegationRule() {}

    /**
     * What a delegation changed.
     *
     * @param resolve whether the wallet's open delegation alert ends (the unknown delegation was replaced or cleared)
     */
    public record Outcome(Grants grants, Optional<Finding> finding, boolean resolve) {}

    public static Outcome onDelegation(
            Delegation d, String group, Grants grants, ReferenceData ref, RuleSettings rules) {
        boolean wasOpen = grants.delegation() != null;
        if (d.clears() || ref.isOwnOrAllowed(d.chainId(), d.delegate(), group)) {
            return new Outcome(grants.withDelegation(null), Optional.empty(), wasOpen);
        }
        if (!rules.delegation()) {
            return new Outcome(grants, Optional.empty(), false);
        }
        Grants next = grants.withDelegation(
                new Grants.DelegationGrant(d.delegate(), d.at().eventId(), d.at().txHash(), d.at().blockNumber()));
        boolean signed = ref.signed(d.chainId(), d.at().txHash());
        String signer = signed
                ? "The custodian's signer has a record of this transaction: if the delegation is intended, allowlist "
                        + d.delegate() + " for group " + group + "; if not, the signer was tricked into it. "
                : rules.unauthorizedOutflow() ? "The custodian's signer has no record of this transaction yet. " : "";
        return new Outcome(
                next,
                Optional.of(new Finding(
                        RuleId.DELEGATION,
                        Severity.CRITICAL,
                        d.chainId(),
                        group,
                        d.authority(),
                        Evidence.of(d),
                        "Wallet " + Money.shortAddress(d.authority()) + " delegated (EIP-7702) to unknown contract "
                                + Money.shortAddress(d.delegate()),
                        "Watched wallet " + d.authority() + " (group " + group
                                + ") signed an EIP-7702 authorisation in transaction " + d.at().txHash() + " (block "
                                + d.at().blockNumber() + ") that makes it run the code of " + d.delegate()
                                + ", a contract that is not the custodian's or allowlisted. That code can move "
                                + "everything the wallet holds and every later deposit. " + signer
                                + "Only the wallet's key can sign such an authorisation: treat the key as "
                                + "compromised, stop deposits to the wallet, and move what it still holds with a "
                                + "transaction that also resets its delegation to the zero address.",
                        Map.of())),
                false);
    }

    /** The finding when {@code out} leaves a wallet with an open delegation to an unknown contract. */
    public static Optional<Finding> onOutflow(Transfer out, String group, Grants grants, ReferenceData ref) {
        Grants.DelegationGrant open = grants.delegation();
        if (open == null
                || out.blockNumber() < open.blockNumber()
                || out.amount().signum() == 0
                || ref.isOwnOrAllowed(out.chainId(), out.to(), group)
                || ref.signed(out.chainId(), out.txHash())) {
            return Optional.empty();
        }
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        return Optional.of(new Finding(
                RuleId.DELEGATION,
                Severity.CRITICAL,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.orElse(null)),
                "Delegated wallet " + Money.shortAddress(out.from()) + " forwarded " + value + " to "
                        + Money.shortAddress(out.to()) + " (delegate " + Money.shortAddress(open.delegate()) + ")",
                "Watched wallet " + out.from() + " (group " + group + ") has been delegated (EIP-7702) to "
                        + open.delegate() + " since block " + open.blockNumber() + " (transaction " + open.txHash()
                        + "). Transaction " + out.txHash() + " then moved " + value + " of "
                        + BalanceDrainRule.assetName(out) + " out of it to " + out.to()
                        + (out.txFrom() != null ? ", sent by " + out.txFrom() : "")
                        + ": the delegate is forwarding the wallet's funds. Stop deposits to the wallet now (every "
                        + "deposit is forwarded), and trace " + out.to() + ".",
                Map.of()));
    }
}
