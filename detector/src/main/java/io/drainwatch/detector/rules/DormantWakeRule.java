package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dormant-wake} (low signal): the first outflow after a long idle period of block time. A stolen key is
 * often used on wallets nobody has touched for months; on its own it is routine (a user coming back), so it
 * pages nothing and counts towards {@code combined-signals}. Outflows the custodian signed or that go to its own
 * or allowlisted addresses are its own operations and never fire, but they end the idle period.
 */
public final class DormantWakeRule {
    private DormantWakeRule() {}

    private static final long DAY = 86_400_000L;

    public record Outcome(Activity activity, Optional<Finding> finding) {}

    /** @param activity the wallet's activity, having seen this outflow ({@link Activity#seenAt}) */
    public static Outcome evaluate(
            Transfer out, String group, Activity activity, ReferenceData ref, RuleSettings rules) {
        long since = activity.lastOutflow() > 0 ? activity.lastOutflow() : activity.firstSeen();
        Activity next = activity.withLastOutflow(out.blockTime());
        long idle = out.blockTime() - since;
        if (!rules.dormantWake()
                || since <= 0
                || idle < rules.dormantIdle().toMillis()
                || ref.signed(out.chainId(), out.txHash())
                || ref.isOwnOrAllowed(out.chainId(), out.to(), group)) {
            return new Outcome(next, Optional.empty());
        }
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        long days = idle / DAY;
        return new Outcome(
                next,
                Optional.of(new Finding(
                        RuleId.DORMANT_WAKE,
                        Severity.LOW,
                        out.chainId(),
                        group,
                        out.from(),
                        Evidence.of(out, usd.orElse(null)),
                        "Dormant wallet " + Money.shortAddress(out.from()) + " woke after " + days + " days: " + value
                                + " to " + Money.shortAddress(out.to()),
                        "Watched wallet " + out.from() + " (group " + group + ") sent nothing for " + days
                                + " days of block time"
                                + (activity.lastOutflow() > 0 ? "" : " (since drainwatch first saw it)")
                                + ", then " + value + " of " + BalanceDrainRule.assetName(out) + " to " + out.to()
                                + " in " + out.txHash()
                                + ", not signed for by the custodian. Alone this is often a user"
                                + " coming back; with other signals on the wallet it raises combined-signals. Check that"
                                + " the owner made it.",
                        Map.of("idle", rules.dormantIdle().toString()))));
    }
}
