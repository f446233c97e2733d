package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code balance-drain}: an outflow leaves at most a small fraction of the wallet's balance of an
 * asset, in one block or cumulatively within the window. (What is left of the wallet's whole value is
 * a weighted mean of what is left of each asset, so it is never under the fraction unless some asset
 * is.) Any value counts: at or above the minimum value the finding is high, below it (or unpriced) it is
 * low, pages nothing by itself and counts towards {@code fleet-surge}. Outflows to the custodian's own or allowlisted addresses, to addresses this wallet paid
 * before, and transactions the custodian signed are legitimate: they never fire and their value is
 * never counted as drained.
 */
public final class BalanceDrainRule {
    private BalanceDrainRule() {}

    /** The result: maybe a finding, and the wallet's state with this outflow counted. */
    public record Outcome(Optional<Finding> finding, WalletState state) {}

    public static Outcome evaluate(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        WalletState.DrainWindow stored = state.drainWindows().get(out.asset());
        WalletState.@Nullable DrainWindow window =
                stored != null && within(stored, out.blockTime(), rules) ? stored : null;
        boolean inWindow = window != null;
        if (legitimate(out, group, state, ref)) {
            // What a legitimate payment takes out can no longer be drained: later outflows in the window are
            // measured against what it left, and its value is not part of a drain.
            return new Outcome(
                    Optional.empty(),
                    window != null ? state.withWindow(out.asset(), window.lessExposed(out.amount())) : state);
        }
        BigInteger before = out.balanceBefore() != null
                ? out.balanceBefore()
                : state.balances().get(out.asset());
        if (before == null || before.signum() <= 0) {
            return new Outcome(Optional.empty(), state);
        }
        BigInteger after = out.balanceAfter() != null
                ? out.balanceAfter()
                : before.subtract(out.amount()).max(BigInteger.ZERO);

        WalletState.DrainWindow next = window != null
                ? new WalletState.DrainWindow(
                        window.start(),
                        // never less than the chain says was there (a deposit the detector did not see)
                        window.balanceAtStart().max(before.add(window.outflow())),
                        window.outflow().add(out.amount()))
                : new WalletState.DrainWindow(out.blockTime(), before, out.amount());
        WalletState counted = state.withWindow(out.asset(), next);

        if (!rules.balanceDrain()) {
            return new Outcome(Optional.empty(), counted);
        }
        BigDecimal remaining =
                new BigDecimal(after).divide(new BigDecimal(next.balanceAtStart()), java.math.MathContext.DECIMAL64);
        if (remaining.doubleValue() > rules.drainMaxRemainingFraction()) {
            return new Outcome(Optional.empty(), counted);
        }
        Optional<Price> price = ref.price(out.chainId(), out.asset());
        Double moved = price.map(p -> p.value(next.outflow())).orElse(null);
        // Any emptied wallet is a drain; below the value threshold it is low and pages only through the incident.
        boolean large = moved != null && moved >= rules.drainMinUsd();
        Double thisTransfer = price.map(p -> p.value(out.amount())).orElse(null);
        String value = moved == null ? "an unpriced amount" : Money.usd(moved);
        String pct = String.format(java.util.Locale.ROOT, "%.2f%%", remaining.doubleValue() * 100);
        Finding finding = new Finding(
                RuleId.BALANCE_DRAIN,
                large ? Severity.HIGH : Severity.LOW,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, thisTransfer),
                "Wallet " + Money.shortAddress(out.from()) + " drained: " + value + " of " + assetName(out)
                        + " sent to " + Money.shortAddress(out.to()) + ", " + pct + " left",
                "Watched wallet " + out.from() + " (group " + group + ") sent " + value + " of "
                        + assetName(out)
                        + " to " + out.to() + ", an address it never paid before and that is not allowlisted, leaving "
                        + pct
                        + " of its balance"
                        + (inWindow ? " within " + rules.drainWindow().toMinutes() + " minutes" : " in one block")
                        + (rules.unauthorizedOutflow()
                                ? ". The custodian's signer has no record of the transaction. "
                                : ". drainwatch has no signer log for this group, so it cannot tell whether the"
                                        + " custodian authorised the transaction. ")
                        + (large
                                ? ""
                                : "Below the " + Money.usd(rules.drainMinUsd())
                                        + " threshold this pages only when several of the group's wallets are emptied"
                                        + " (fleet-surge). ")
                        + "Treat the wallet's key as compromised: "
                        + "stop deposits to it, move what remains in the group's other wallets if more are being swept, and trace "
                        + out.to() + ".",
                Map.of(
                        "max-remaining-fraction", Double.toString(rules.drainMaxRemainingFraction()),
                        "min-usd", Double.toString(rules.drainMinUsd()),
                        "window", rules.drainWindow().toString()));
        return new Outcome(Optional.of(finding), counted);
    }

    /**
     * The state with a deposit of {@code in} counted: a deposit during an open window adds to what an
     * attacker can take, so a drain of it is judged against the larger balance.
     */
    public static WalletState onInflow(Transfer in, WalletState state, RuleSettings rules) {
        return withDeposit(in, state, rules, WalletState.DrainWindow::moreExposed);
    }

    /** The state without a deposit that a reorganisation removed (see {@link #onInflow}). */
    public static WalletState onInflowRemoved(Transfer in, WalletState state, RuleSettings rules) {
        return withDeposit(in, state, rules, WalletState.DrainWindow::lessExposed);
    }

    private static WalletState withDeposit(
            Transfer in,
            WalletState state,
            RuleSettings rules,
            java.util.function.BiFunction<WalletState.DrainWindow, BigInteger, WalletState.DrainWindow> change) {
        WalletState.DrainWindow window = state.drainWindows().get(in.asset());
        if (window == null || in.blockTime() < window.start() || !within(window, in.blockTime(), rules)) {
            return state;
        }
        return state.withWindow(in.asset(), change.apply(window, in.amount()));
    }

    private static boolean within(WalletState.DrainWindow window, long time, RuleSettings rules) {
        return time - window.start() <= rules.drainWindow().toMillis();
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
