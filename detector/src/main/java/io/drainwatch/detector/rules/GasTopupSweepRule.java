package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gas-topup-sweep}: someone outside the custodian sends a wallet native coin for gas, and a
 * token leaves the wallet within the window. The usual shape of a sweep of token-only wallets.
 */
public final class GasTopupSweepRule {
    private GasTopupSweepRule() {}

    /** Remembers a native deposit from outside the custodian. */
    public static WalletState onInflow(Transfer in, String group, WalletState state, ReferenceData ref) {
        if (!in.isNative() || in.amount().signum() == 0 || ref.isOwnOrAllowed(in.chainId(), in.from(), group)) {
            return state;
        }
        return state.withTopup(new WalletState.Topup(in.from(), in.txHash(), in.blockTime(), in.amount()));
    }

    /** Forgets the deposit of {@code in} if a reorganisation removed the one remembered. */
    public static WalletState onInflowRemoved(Transfer in, WalletState state) {
        WalletState.Topup topup = state.topup();
        if (topup == null
                || !topup.txHash().equals(in.txHash())
                || !topup.from().equals(in.from())) {
            return state;
        }
        return state.withTopup(null);
    }

    public static Optional<Finding> onOutflow(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        WalletState.Topup topup = state.topup();
        if (!rules.gasTopupSweep() || topup == null || !out.isToken()) {
            return Optional.empty();
        }
        long since = out.blockTime() - topup.blockTime();
        if (since < 0 || since > rules.topupWindow().toMillis()) {
            return Optional.empty();
        }
        if (ref.isOwnOrAllowed(out.chainId(), out.to(), group) || ref.signed(out.chainId(), out.txHash())) {
            return Optional.empty();
        }
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        return Optional.of(new Finding(
                RuleId.GAS_TOPUP_SWEEP,
                Severity.HIGH,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.orElse(null)),
                "Gas top-up then token sweep on " + Money.shortAddress(out.from()) + ": " + value + " to "
                        + Money.shortAddress(out.to()),
                "Outside address " + topup.from() + " sent gas to watched wallet " + out.from() + " (group " + group
                        + ") in "
                        + topup.txHash() + ", and " + since / 1000 + "s later " + value + " of "
                        + BalanceDrainRule.assetName(out)
                        + " left for " + out.to() + " in " + out.txHash()
                        + ". This is how token-only wallets are swept once their key "
                        + "leaks: the gas funder and the destination belong to the attacker.",
                Map.of("window", rules.topupWindow().toString())));
    }
}
