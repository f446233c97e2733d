package io.drainwatch.detector.demo;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The knobs of the built-in attack scenario: fleet size, custody groups (the first one is attacked),
 * how many wallets the attacker sweeps to how many destinations, the pace of blocks and the seed that
 * makes a run repeatable.
 */
public record ScenarioParameters(
        int wallets, List<String> groups, int swept, int destinations, Duration blockInterval, long seed) {

    /** Wallets reserved for benign traffic and the sanctioned outflow, beyond the swept ones. */
    static final int BENIGN_RESERVE = 150;

    public ScenarioParameters {
        groups = List.copyOf(groups);
        if (groups.isEmpty()
                || Set.copyOf(groups).size() != groups.size()
                || groups.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("groups must be distinct non-empty names, got " + groups);
        }
        if (swept < 1) {
            throw new IllegalArgumentException("swept must be at least 1, got " + swept);
        }
        if (destinations < 1 || destinations > swept) {
            throw new IllegalArgumentException(
                    "destinations must be 1.." + swept + " (the swept wallets), got " + destinations);
        }
        // Four fifths of the fleet sit in the attacked group when there are several groups.
        int attackedGroup = groups.size() == 1 ? wallets : wallets * 4 / 5;
        if (attackedGroup < swept + BENIGN_RESERVE) {
            throw new IllegalArgumentException("wallets must leave " + BENIGN_RESERVE + " benign wallets in group '"
                    + groups.get(0) + "' besides the " + swept + " swept: use at least "
                    + minimumWallets(groups.size(), swept) + " wallets");
        }
        if (blockInterval.isNegative() || blockInterval.isZero()) {
            throw new IllegalArgumentException("block interval must be positive, got " + blockInterval);
        }
    }

    /** The demo's defaults: 3,000 wallets in {@code retail} and {@code treasury}, 150 swept to 3 destinations, a block every 250 ms. */
    public static ScenarioParameters defaults() {
        return new ScenarioParameters(3000, List.of("retail", "treasury"), 150, 3, Duration.ofMillis(250), 20240622L);
    }

    public ScenarioParameters withWallets(int count) {
        return new ScenarioParameters(count, groups, swept, destinations, blockInterval, seed);
    }

    public ScenarioParameters withSwept(int count) {
        return new ScenarioParameters(wallets, groups, count, destinations, blockInterval, seed);
    }

    public ScenarioParameters withDestinations(int count) {
        return new ScenarioParameters(wallets, groups, swept, count, blockInterval, seed);
    }

    public ScenarioParameters withBlockInterval(Duration interval) {
        return new ScenarioParameters(wallets, groups, swept, destinations, interval, seed);
    }

    public ScenarioParameters withSeed(long value) {
        return new ScenarioParameters(wallets, groups, swept, destinations, blockInterval, value);
    }

    /** The attacked custody group. */
    public String attackedGroup() {
        return groups.get(0);
    }

    static int minimumWallets(int groupCount, int swept) {
        int needed = swept + BENIGN_RESERVE;
        return groupCount == 1 ? needed : (needed * 5 + 3) / 4;
    }
}
