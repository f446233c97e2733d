package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs every per-wallet rule over one event of a watched wallet and says what follows: findings,
 * the payment to hand to the per-destination stage, whether to wait for the signer's record, and
 * the wallet's updated state.
 */
public final class WalletRules {
    private WalletRules() {}

    /**
     * @param payment set when value went to an address the custodian does not know, in a transaction it did
     *     not sign, and that this wallet never paid in a legitimate one
     * @param awaitSignature whether the outflow must be matched against the signer's records after the grace period
     */
    public record Outcome(
            WalletState state, List<Finding> findings, Optional<Payment> payment, boolean awaitSignature) {
        static Outcome unchanged(WalletState state) {
            return new Outcome(state, List.of(), Optional.empty(), false);
        }
    }

    public static Outcome onOutflow(
            Transfer out, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        if (state.seen(out.eventId())) {
            return Outcome.unchanged(state);
        }
        List<Finding> findings = new ArrayList<>();
        DenylistedCounterpartyRule.evaluate(out, group, ref, rules).ifPresent(findings::add);
        BalanceDrainRule.Outcome drain = BalanceDrainRule.evaluate(out, group, state, ref, rules);
        drain.finding().ifPresent(findings::add);
        Optional<Finding> sweep = GasTopupSweepRule.onOutflow(out, group, state, ref, rules);
        sweep.ifPresent(findings::add);
        NewDestinationRule.evaluate(out, group, state, ref, rules).ifPresent(findings::add);

        boolean signed = ref.signed(out.chainId(), out.txHash());
        boolean known = ref.isOwnOrAllowed(out.chainId(), out.to(), group);
        // A payment to an address this wallet paid before in a legitimate transaction is exempt like the
        // others. Its retraction still goes to the destination stage, which ignores what it never counted.
        Optional<Payment> payment = known || signed || state.paidBefore(out.to())
                ? Optional.empty()
                : Optional.of(Payment.of(out, group, ref.usd(out).orElse(null)));
        boolean awaitSignature = !signed && UnauthorizedOutflowRule.applies(out, ref, rules);

        WalletState next = GasTopupSweepRule.afterOutflow(out, group, drain.state(), ref, rules, sweep.isPresent())
                .withEvent(out.eventId());
        // Only legitimate payments make an address "previously used": an attacker's first sweep must not
        // whitelist its own destination for the next one, nor may an emptying of any value.
        boolean legitimate = signed
                || (!rules.unauthorizedOutflow()
                        && findings.stream()
                                .noneMatch(f -> f.severity().compareTo(Severity.MEDIUM) >= 0
                                        || f.rule().marksWalletDrained()));
        if (legitimate && !known) {
            next = next.withCounterparty(out.to(), rules.counterpartyHistory());
        }
        BigInteger after = afterBalance(out, state);
        if (after != null) {
            next = next.withBalance(out.asset(), after);
        }
        return new Outcome(next, findings, payment, awaitSignature);
    }

    public static Outcome onInflow(
            Transfer in, String group, WalletState state, ReferenceData ref, RuleSettings rules) {
        if (in.removed()) {
            return Outcome.unchanged(withoutInflow(in, state, rules));
        }
        if (state.seen(in.eventId())) {
            return Outcome.unchanged(state);
        }
        GasTopupSweepRule.Outcome topup = GasTopupSweepRule.onInflow(in, group, state, ref, rules);
        WalletState next = BalanceDrainRule.onInflow(in, topup.state(), rules).withEvent(in.eventId());
        BigInteger known = state.balances().get(in.asset());
        if (known != null) {
            next = next.withBalance(in.asset(), known.add(in.amount()));
        }
        return new Outcome(next, topup.findings(), Optional.empty(), false);
    }

    /** The state without what a deposit that a reorganisation removed had changed. */
    private static WalletState withoutInflow(Transfer in, WalletState state, RuleSettings rules) {
        WalletState next = GasTopupSweepRule.onInflowRemoved(in, state);
        if (!next.seen(in.eventId())) {
            return next; // not counted (or already taken back): only the top-up, known by its transaction, is undone
        }
        next = BalanceDrainRule.onInflowRemoved(in, next, rules).withoutEvent(in.eventId());
        BigInteger known = state.balances().get(in.asset());
        if (known != null) {
            next = next.withBalance(in.asset(), known.subtract(in.amount()).max(BigInteger.ZERO));
        }
        return next;
    }

    /** Records a balance the chain reported after a block. */
    public static WalletState onBalance(String asset, BigInteger balance, WalletState state) {
        return state.withBalance(asset, balance);
    }

    private static @Nullable BigInteger afterBalance(Transfer out, WalletState state) {
        if (out.balanceAfter() != null) {
            return out.balanceAfter();
        }
        BigInteger known = state.balances().get(out.asset());
        return known == null ? null : known.subtract(out.amount()).max(BigInteger.ZERO);
    }
}
