package io.drainwatch.detector.config;

import io.drainwatch.schemas.LabelCategory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The thresholds of every rule for one custody group: the {@code rules.*} defaults with any
 * {@code group.<name>.rules.*} overrides applied. Validated when built.
 */
public record RuleSettings(
        boolean unauthorizedOutflow,
        Duration unauthorizedGrace,
        double unauthorizedMinUsd,
        boolean balanceDrain,
        double drainMaxRemainingFraction,
        double drainMinUsd,
        Duration drainWindow,
        boolean coordinatedSweep,
        int sweepMinWallets,
        int sweepFreshMinWallets,
        Duration sweepWindow,
        boolean fleetSurge,
        int surgeMinWallets,
        double surgeNormalMultiplier,
        Duration surgeWindow,
        boolean denylisted,
        Set<LabelCategory> denylistedCategories,
        boolean gasTopupSweep,
        Duration topupWindow,
        boolean commonFunder,
        int funderMinWallets,
        double funderMaxUsd,
        Duration funderWindow,
        boolean newDestination,
        double newDestinationMinUsd,
        int counterpartyHistory,
        boolean unknownApproval,
        boolean delegation,
        boolean fundsExit,
        Duration taintTtl,
        Set<LabelCategory> exitCategories,
        boolean velocity,
        Duration velocityWindow,
        double velocityMinUsd,
        double velocityBaselineMultiplier,
        double velocityBaselineAlpha,
        double velocityHighFraction,
        boolean dormantWake,
        Duration dormantIdle,
        boolean combinedSignals,
        Duration combinedWindow,
        int combinedMediumScore,
        int combinedHighScore,
        int combinedCriticalScore) {

    private static final Set<String> CATEGORIES = EnumSet.allOf(LabelCategory.class).stream()
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    /** The settings for {@code group}: defaults from {@code rules.*}, overridden by {@code group.<group>.rules.*}. */
    public static RuleSettings forGroup(Settings settings, String group) {
        java.util.Map<String, String> merged = new java.util.HashMap<>(settings.asMap());
        String prefix = "group." + group + ".";
        settings.under(prefix).forEach((k, v) -> {
            if (k.startsWith("rules.")) {
                merged.put(k, v);
            }
        });
        return parse(new Settings(merged), group.equals("*") ? "rules." : prefix + "rules.", settings);
    }

    /** The settings shared by every group ({@code rules.*} alone). */
    public static RuleSettings defaults(Settings settings) {
        return parse(settings, "rules.", settings);
    }

    private static RuleSettings parse(Settings s, String shownPrefix, Settings original) {
        // Errors name the key the operator wrote: the group's override when present, else the default key.
        Keyed k = new Keyed(s, shownPrefix, original);
        RuleSettings r = new RuleSettings(
                k.bool("unauthorized-outflow.enabled"),
                k.duration("unauthorized-outflow.grace"),
                k.usd("unauthorized-outflow.min-usd"),
                k.bool("balance-drain.enabled"),
                k.fraction("balance-drain.max-remaining-fraction"),
                k.usd("balance-drain.min-usd"),
                k.duration("balance-drain.window"),
                k.bool("coordinated-sweep.enabled"),
                k.count("coordinated-sweep.min-wallets"),
                k.count("coordinated-sweep.fresh-min-wallets"),
                k.duration("coordinated-sweep.window"),
                k.bool("fleet-surge.enabled"),
                k.count("fleet-surge.min-wallets"),
                k.usd("fleet-surge.normal-multiplier"),
                k.duration("fleet-surge.window"),
                k.bool("denylisted-counterparty.enabled"),
                k.categories("denylisted-counterparty.categories"),
                k.bool("gas-topup-sweep.enabled"),
                k.duration("gas-topup-sweep.window"),
                k.bool("common-funder.enabled"),
                k.count("common-funder.min-wallets"),
                k.usd("common-funder.max-usd"),
                k.duration("common-funder.window"),
                k.bool("new-destination.enabled"),
                k.usd("new-destination.min-usd"),
                k.count("new-destination.history-size"),
                k.bool("unknown-approval.enabled"),
                k.bool("delegation.enabled"),
                k.bool("funds-exit.enabled"),
                k.duration("funds-exit.taint-ttl"),
                k.categories("funds-exit.exit-categories"),
                k.bool("velocity.enabled"),
                k.duration("velocity.window"),
                k.usd("velocity.min-usd"),
                k.usd("velocity.baseline-multiplier"),
                k.fraction("velocity.baseline-alpha"),
                k.fraction("velocity.high-fraction"),
                k.bool("dormant-wake.enabled"),
                k.duration("dormant-wake.idle"),
                k.bool("combined-signals.enabled"),
                k.duration("combined-signals.window"),
                k.count("combined-signals.medium-score"),
                k.count("combined-signals.high-score"),
                k.count("combined-signals.critical-score"));
        if (r.sweepFreshMinWallets > r.sweepMinWallets) {
            throw new ConfigException(
                    k.name("coordinated-sweep.fresh-min-wallets"),
                    "must not exceed coordinated-sweep.min-wallets (" + r.sweepMinWallets + ")");
        }
        if (r.combinedMediumScore > r.combinedHighScore || r.combinedHighScore > r.combinedCriticalScore) {
            throw new ConfigException(
                    k.name("combined-signals.high-score"),
                    "combined-signals scores must not decrease: medium-score <= high-score <= critical-score");
        }
        return r;
    }

    private record Keyed(Settings s, String shownPrefix, Settings original) {
        String name(String rule) {
            String override = shownPrefix + rule;
            return original.find(override).isPresent() ? override : "rules." + rule;
        }

        private Settings view(String rule) {
            return new Settings(
                    java.util.Map.of(name(rule), s.find("rules." + rule).orElse("")));
        }

        boolean bool(String rule) {
            return view(rule).bool(name(rule));
        }

        Duration duration(String rule) {
            return view(rule).duration(name(rule));
        }

        double usd(String rule) {
            return view(rule).nonNegativeDouble(name(rule));
        }

        double fraction(String rule) {
            return view(rule).fraction(name(rule));
        }

        int count(String rule) {
            return view(rule).positiveInt(name(rule));
        }

        Set<LabelCategory> categories(String rule) {
            return view(rule).choices(name(rule), CATEGORIES).stream()
                    .map(c -> LabelCategory.valueOf(c.toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }
}
