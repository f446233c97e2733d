package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gas-topup-sweep}: someone outside the custodian sends a wallet native coin for gas, and a
 * token leaves the wallet within the window. The usual shape of a sweep of token-only wallets.
 *
 * <p>Judged by block order, not arrival order: the top-up and the sweep are keyed by different senders
 * upstream and reach the wallet stage in either order, so a token outflow no top-up explained is
 * remembered for the window, and a top-up from an earlier block that arrives after it fires the same
 * finding (same subject, same evidence) that the outflow would have fired had it come second.
 */
public final class GasTopupSweepRule {
    private GasTopupSweepRule() {}

    /** What a deposit changed: the state, and the findings of token outflows it explains that came first. */
    public record Outcome(WalletState state, List<Finding> findings) {}

    /**
     * Remembers a native deposit from outside the custodian (the one from the newest block, whatever the
     * arrival order), and pairs it with the remembered token outflows of later blocks within the window.
     */
    public static Outcome onInflow(
            Transfer in, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        if (!in.isNative() || in.amount().signum() == 0 || ref.isOwnOrAllowed(in.chainId(), in.from(), group)) {
            return new Outcome(state, List.of());
        }
        WalletState.Topup arrived = new WalletState.Topup(in.from(), in.txHash(), in.blockTime(), in.amount());
        WalletState.Topup kept = state.topup();
        WalletState next = kept != null && kept.blockTime() > arrived.blockTime() ? state : state.withTopup(arrived);
        List<Finding> findings = new ArrayList<>();
        List<Transfer> explained = new ArrayList<>();
        WalletState paired = state.withTopup(arrived);
        for (Transfer out : state.unexplainedSweeps()) {
            onOutflow(out, group, paired, ref, rules).ifPresent(f -> {
                findings.add(f);
                explained.add(out);
            });
        }
        return new Outcome(next.withoutUnexplainedSweeps(explained), findings);
    }

    /**
     * The state after a token outflow: remembered for a top-up of an earlier block that may arrive later,
     * unless this rule already fired on it or it went to an own, allowlisted or signed-for address.
     */
    public static WalletState afterOutflow(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules, boolean fired) {
        if (!rules.gasTopupSweep()
                || fired
                || !out.isToken()
                || ref.isOwnOrAllowed(out.chainId(), out.to(), group)
                || ref.signed(out.chainId(), out.txHash())) {
            return state;
        }
        return state.withUnexplainedSweep(out, rules.topupWindow().toMillis());
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
