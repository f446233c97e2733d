package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code velocity}: the value a watched wallet sent to addresses that are not legitimate (not own, allowlisted,
 * paid before the window or signed for) within a sliding window of block time is above both a floor and a multiple of the
 * wallet's learned hourly baseline (an EWMA of that value over completed hours). Medium; high when that value,
 * sent in more than one payment, is at least a configurable share of what the wallet held (sent / (sent + what is
 * left)): a wallet drained in 10-15% steps to one unknown address is alerted before it is empty. An outflow that empties the wallet is
 * {@code balance-drain}'s, not this rule's.
 */
public final class VelocityRule {
    private VelocityRule() {}

    private static final long HOUR = 3_600_000L;

    public record Outcome(Activity activity, Optional<Finding> finding) {}

    /**
     * @param before the wallet's state before the outflow (what it paid before)
     * @param valueAfterUsd the wallet's estimated value after the outflow
     * @param emptied whether {@code balance-drain} fired on this outflow
     */
    public static Outcome evaluate(
            Transfer out,
            String group,
            WalletState before,
            double valueAfterUsd,
            Activity activity,
            ReferenceData ref,
            RuleSettings rules,
            boolean emptied) {
        Optional<Double> usd = ref.usd(out);
        // An address first paid within the window is no "previous counterparty" yet: a drip's first step must not
        // make the later ones look legitimate.
        boolean paidInWindow = activity.window().stream()
                .anyMatch(s -> s.to().equals(out.to())
                        && out.blockTime() - s.time() < rules.velocityWindow().toMillis());
        boolean legitimate = ref.isOwnOrAllowed(out.chainId(), out.to(), group)
                || ref.signed(out.chainId(), out.txHash())
                || (before.paidBefore(out.to()) && !paidInWindow);
        if (legitimate || usd.isEmpty() || usd.get() <= 0) {
            return new Outcome(activity, Optional.empty());
        }
        Activity next = learn(activity, out.blockTime(), usd.get(), rules);
        List<Activity.Spend> window = new ArrayList<>();
        for (Activity.Spend s : next.window()) {
            if (out.blockTime() - s.time() < rules.velocityWindow().toMillis()) {
                window.add(s);
            }
        }
        window.add(new Activity.Spend(out.eventId(), out.blockTime(), usd.get(), out.to()));
        next = next.withWindow(window);
        if (!rules.velocity() || emptied) {
            return new Outcome(next, Optional.empty());
        }
        double sent = window.stream().mapToDouble(Activity.Spend::usd).sum();
        double limit = Math.max(rules.velocityMinUsd(), rules.velocityBaselineMultiplier() * activity.baseline());
        double share = sent / (sent + Math.max(0, valueAfterUsd));
        if (sent < limit) {
            return new Outcome(next, Optional.empty());
        }
        // One payment of most of a wallet to a new address is what a user withdrawing looks like; several in the
        // window are a drip.
        boolean large = share >= rules.velocityHighFraction() && window.size() >= 2;
        String pct = String.format(Locale.ROOT, "%.0f%%", share * 100);
        String minutes = rules.velocityWindow().toMinutes() + " min";
        return new Outcome(
                next,
                Optional.of(new Finding(
                        RuleId.VELOCITY,
                        large ? Severity.HIGH : Severity.MEDIUM,
                        out.chainId(),
                        group,
                        out.from(),
                        Evidence.of(out, usd.get()),
                        "Wallet " + Money.shortAddress(out.from()) + " sent " + Money.usd(sent)
                                + " to unknown addresses in " + minutes + " (" + pct + " of its value)",
                        "Watched wallet " + out.from() + " (group " + group + ") sent " + Money.usd(sent) + " in "
                                + window.size() + " payment(s) within " + minutes
                                + " to addresses that are not the custodian's, not allowlisted, never paid before and"
                                + " not signed for, the latest " + Money.usd(usd.get()) + " to " + out.to() + " in "
                                + out.txHash() + ". That is " + pct + " of what the wallet held, above "
                                + Money.usd(limit) + " (the larger of " + Money.usd(rules.velocityMinUsd()) + " and "
                                + rules.velocityBaselineMultiplier() + " × its learned hourly "
                                + Money.usd(activity.baseline()) + "). "
                                + (large
                                        ? "The wallet is being emptied in steps: treat its key as compromised and move"
                                                + " what is left now. "
                                        : "If the custodian did not make these payments, move the wallet's funds. ")
                                + "Trace " + out.to() + ".",
                        Map.of(
                                "window", rules.velocityWindow().toString(),
                                "min-usd", Double.toString(rules.velocityMinUsd()),
                                "baseline-multiplier", Double.toString(rules.velocityBaselineMultiplier()),
                                "high-fraction", Double.toString(rules.velocityHighFraction())))));
    }

    /** Adds {@code usd} at {@code time} to the hourly sums, folding completed hours into the baseline. */
    private static Activity learn(Activity a, long time, double usd, RuleSettings rules) {
        long hour = time - Math.floorMod(time, HOUR);
        if (a.hourStart() == 0) {
            return a.withHour(hour, usd, 0);
        }
        if (hour <= a.hourStart()) {
            return a.withHour(a.hourStart(), a.hourUsd() + usd, a.baseline());
        }
        double alpha = rules.velocityBaselineAlpha();
        double baseline = alpha * a.hourUsd() + (1 - alpha) * a.baseline();
        long quietHours = Math.min(24 * 30, (hour - a.hourStart()) / HOUR - 1);
        baseline *= Math.pow(1 - alpha, quietHours);
        return a.withHour(hour, usd, baseline);
    }
}
