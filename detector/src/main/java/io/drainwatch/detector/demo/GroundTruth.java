package io.drainwatch.detector.demo;

import java.util.List;
import java.util.Set;

/**
 * What really happened in a scenario, to score the detector against: the swept wallets in the order
 * the attacker emptied them, the benign wallets, and the one outflow to a sanctioned address.
 */
public record GroundTruth(
        String attackedGroup,
        List<SweptWallet> swept,
        Set<String> benign,
        SanctionedOutflow sanctioned,
        List<String> attackerDestinations,
        String attackerFunder) {

    public GroundTruth {
        swept = List.copyOf(swept);
        benign = Set.copyOf(benign);
        attackerDestinations = List.copyOf(attackerDestinations);
    }

    /** A wallet the attacker emptied: its first outflow is in block {@code block} (index into the timeline). */
    public record SweptWallet(String address, int block, boolean tokenOnly, double usdValue, String destination) {}

    /** The benign-looking payment from {@code wallet} to a sanctioned address, in block {@code block}. */
    public record SanctionedOutflow(String wallet, String destination, String txHash, int block) {}

    /** The swept wallets' addresses. */
    public Set<String> sweptAddresses() {
        return swept.stream().map(SweptWallet::address).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The timeline index of the block holding the first outflow of the {@code n}th swept wallet (1-based). */
    public int blockOfSweep(int n) {
        return swept.get(n - 1).block();
    }
}
