package io.drainwatch.detector.demo;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The knobs of the built-in attack scenario: fleet size, the three custody groups (small retail
 * deposit wallets, larger "pro" accounts, a treasury), which attack shapes play, how many wallets
 * the two sweeps take, the pace of blocks and the seed that makes a run repeatable.
 *
 * <p>The mass sweep of small wallets hits the first group, the sweep to shared destinations the
 * second, the approval, delegation and drip shapes the third.
 */
public record ScenarioParameters(
        int wallets,
        List<String> groups,
        int swept,
        int destinations,
        int massSwept,
        Set<Attack> attacks,
        Duration blockInterval,
        long seed) {

    /** Retail wallets kept for benign traffic: a consolidation in every block. */
    static final int RETAIL_RESERVE = 60;

    /** Pro wallets kept for benign traffic: withdrawals and a consolidation every third block. */
    static final int PRO_RESERVE = 40;

    /** Treasury wallets for the approval, delegation and drip shapes, their look-alikes and consolidations. */
    static final int TREASURY_RESERVE = 30;

    public ScenarioParameters {
        groups = List.copyOf(groups);
        attacks = attacks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(attacks));
        if (groups.size() != 3
                || Set.copyOf(groups).size() != groups.size()
                || groups.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(
                    "groups must be three distinct non-empty names (retail, pro, treasury), got " + groups);
        }
        if (attacks.isEmpty()) {
            throw new IllegalArgumentException("choose at least one attack: " + Attack.ids());
        }
        if (swept < 1) {
            throw new IllegalArgumentException("swept must be at least 1, got " + swept);
        }
        if (massSwept < 1) {
            throw new IllegalArgumentException("mass-swept must be at least 1, got " + massSwept);
        }
        if (destinations < 1 || destinations > swept) {
            throw new IllegalArgumentException(
                    "destinations must be 1.." + swept + " (the swept wallets), got " + destinations);
        }
        if (wallets < minimumWallets(swept, massSwept)) {
            throw new IllegalArgumentException("wallets must leave room for benign traffic in each group besides the "
                    + massSwept + " mass-swept and " + swept + " swept: use at least "
                    + minimumWallets(swept, massSwept) + " wallets");
        }
        if (blockInterval.isNegative() || blockInterval.isZero()) {
            throw new IllegalArgumentException("block interval must be positive, got " + blockInterval);
        }
    }

    /**
     * The demo's defaults: 3,000 wallets in {@code retail}, {@code pro} and {@code treasury}; 120 small
     * retail wallets mass-swept, 60 pro wallets swept to 3 destinations, every attack shape; a block
     * every 250 ms.
     */
    public static ScenarioParameters defaults() {
        return new ScenarioParameters(
                3000,
                List.of("retail", "pro", "treasury"),
                60,
                3,
                120,
                Attack.defaults(),
                Duration.ofMillis(250),
                20240622L);
    }

    public ScenarioParameters withWallets(int count) {
        return new ScenarioParameters(count, groups, swept, destinations, massSwept, attacks, blockInterval, seed);
    }

    public ScenarioParameters withSwept(int count) {
        return new ScenarioParameters(wallets, groups, count, destinations, massSwept, attacks, blockInterval, seed);
    }

    public ScenarioParameters withDestinations(int count) {
        return new ScenarioParameters(wallets, groups, swept, count, massSwept, attacks, blockInterval, seed);
    }

    public ScenarioParameters withMassSwept(int count) {
        return new ScenarioParameters(wallets, groups, swept, destinations, count, attacks, blockInterval, seed);
    }

    public ScenarioParameters withAttacks(Set<Attack> shapes) {
        return new ScenarioParameters(wallets, groups, swept, destinations, massSwept, shapes, blockInterval, seed);
    }

    public ScenarioParameters withBlockInterval(Duration interval) {
        return new ScenarioParameters(wallets, groups, swept, destinations, massSwept, attacks, interval, seed);
    }

    public ScenarioParameters withSeed(long value) {
        return new ScenarioParameters(wallets, groups, swept, destinations, massSwept, attacks, blockInterval, value);
    }

    /** The custody group an attack shape plays on. */
    public String group(Attack attack) {
        return switch (attack) {
            case MASS_SWEEP -> groups.get(0);
            case SWEEP -> groups.get(1);
            case APPROVAL, DELEGATION, DRIP -> groups.get(2);
        };
    }

    /** Seven in ten wallets are retail, two pro, one treasury. */
    static int groupIndex(int wallet) {
        int slot = wallet % 10;
        return slot < 7 ? 0 : slot < 9 ? 1 : 2;
    }

    static int minimumWallets(int swept, int massSwept) {
        int forRetail = (massSwept + RETAIL_RESERVE) * 10 / 7 + 10;
        int forPro = (swept + PRO_RESERVE) * 10 / 2 + 10;
        int forTreasury = TREASURY_RESERVE * 10 + 10;
        return Math.max(forRetail, Math.max(forPro, forTreasury));
    }
}
