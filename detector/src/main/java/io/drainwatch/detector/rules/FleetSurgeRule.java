package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;

/**
 * {@code fleet-surge}: the number of distinct wallets drained in a custody group within the window
 * reaches max(min-wallets, normal-multiplier × normal), where normal is the group's learned number
 * of drained wallets per window. Opens the group's incident.
 */
public final class FleetSurgeRule {
    /** How much of each finished window's count enters the learned normal. */
    static final double LEARNING_RATE = 0.1;

    private FleetSurgeRule() {}

    /** The number of drained wallets in one window that opens an incident. */
    public static double threshold(double normal, RuleSettings rules) {
        return Math.max(rules.surgeMinWallets(), rules.surgeNormalMultiplier() * normal);
    }

    public static boolean surging(int drainedInWindow, double normal, RuleSettings rules) {
        return rules.fleetSurge() && drainedInWindow >= threshold(normal, rules);
    }

    /**
     * The normal after {@code elapsedWindows} whole windows have passed, the first of which saw
     * {@code count} drained wallets and the rest none (an exponentially weighted average).
     */
    public static double learn(double normal, int count, long elapsedWindows) {
        if (elapsedWindows <= 0) {
            return normal;
        }
        double next = normal + LEARNING_RATE * (count - normal);
        return next * Math.pow(1 - LEARNING_RATE, elapsedWindows - 1);
    }

    /**
     * The normal without {@code count} wallets that the window just learned had counted, for wallets
     * that turn out to belong to an attack.
     */
    public static double unlearn(double normal, int count) {
        return Math.max(0, normal - LEARNING_RATE * count);
    }
}
