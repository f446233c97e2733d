package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * {@code balance-drain}: an outflow leaves at most a small fraction of the wallet's balance of an
 * asset, in one block or cumulatively within the window, and the value moved is at least the
 * minimum. Outflows to the custodian's own or allowlisted addresses, to addresses this wallet paid
 * before, and transactions the custodian signed are legitimate and never fire.
 */
public final class BalanceDrainRule {
    private BalanceDrainRule() {}

    /** The result: maybe a finding, and the wallet's state with this outflow counted. */
    public record Outcome(Optional<Finding> finding, WalletState state) {}

    public static Outcome evaluate(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        BigInteger before = out.balanceBefore() != null
                ? out.balanceBefore()
                : state.balances().get(out.asset());
        if (before == null || before.signum() <= 0) {
            return new Outcome(Optional.empty(), state);
        }
        BigInteger after = out.balanceAfter() != null
                ? out.balanceAfter()
                : before.subtract(out.amount()).max(BigInteger.ZERO);

        WalletState.DrainWindow window = state.drainWindows().get(out.asset());
        boolean inWindow = window != null
                && out.blockTime() - window.start() <= rules.drainWindow().toMillis();
        WalletState.DrainWindow next = inWindow
                ? new WalletState.DrainWindow(
                        window.start(),
                        window.balanceAtStart(),
                        window.outflow().add(out.amount()))
                : new WalletState.DrainWindow(out.blockTime(), before, out.amount());
        WalletState counted = state.withWindow(out.asset(), next);

        if (!rules.balanceDrain() || legitimate(out, group, state, ref)) {
            return new Outcome(Optional.empty(), counted);
        }
        BigDecimal remaining =
                new BigDecimal(after).divide(new BigDecimal(next.balanceAtStart()), java.math.MathContext.DECIMAL64);
        if (remaining.doubleValue() > rules.drainMaxRemainingFraction()) {
            return new Outcome(Optional.empty(), counted);
        }
        Optional<Price> price = ref.price(out.chainId(), out.asset());
        if (price.isEmpty()) {
            return new Outcome(Optional.empty(), counted); // without a price the minimum value cannot be shown
        }
        double moved = price.get().value(next.outflow());
        if (moved < rules.drainMinUsd()) {
            return new Outcome(Optional.empty(), counted);
        }
        double thisTransfer = price.get().value(out.amount());
        String pct = String.format(java.util.Locale.ROOT, "%.2f%%", remaining.doubleValue() * 100);
        Finding finding = new Finding(
                RuleId.BALANCE_DRAIN,
                Severity.HIGH,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, thisTransfer),
                "Wallet " + Money.shortAddress(out.from()) + " drained: " + Money.usd(moved) + " of " + assetName(out)
                        + " sent to " + Money.shortAddress(out.to()) + ", " + pct + " left",
                "Watched wallet " + out.from() + " (group " + group + ") sent " + Money.usd(moved) + " of "
                        + assetName(out)
                        + " to " + out.to() + ", an address it never paid before and that is not allowlisted, leaving "
                        + pct
                        + " of its balance"
                        + (inWindow ? " within " + rules.drainWindow().toMinutes() + " minutes" : " in one block")
                        + ". The custodian's signer did not authorise the transaction. Treat the wallet's key as compromised: "
                        + "stop deposits to it, move what remains in the group's other wallets if more are being swept, and trace "
                        + out.to() + ".",
                Map.of(
                        "max-remaining-fraction", Double.toString(rules.drainMaxRemainingFraction()),
                        "min-usd", Double.toString(rules.drainMinUsd()),
                        "window", rules.drainWindow().toString()));
        return new Outcome(Optional.of(finding), counted);
    }

    static boolean legitimate(Transfer out, String group, WalletState state, ReferenceData ref) {
        return ref.isOwnOrAllowed(out.chainId(), out.to(), group)
                || state.paidBefore(out.to())
                || ref.signed(out.chainId(), out.txHash());
    }

    static String assetName(Transfer t) {
        return t.isNative() ? "the native coin" : "token " + Money.shortAddress(t.asset());
    }
}
