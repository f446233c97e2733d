package io.drainwatch.detector.demo;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What really happened in a scenario, to score the detector against: the victims of every attack
 * shape in the order their first malicious transaction landed, the benign wallets (and among them the
 * look-alikes of each shape), and the one outflow to a sanctioned address.
 *
 * @param groups the custody group each played shape hit
 * @param lookAlikes per shape, the benign wallets whose legitimate traffic resembles it
 * @param attackerDestinations the shared destinations of the {@link Attack#SWEEP} shape
 * @param attackerFunder the address that tops up the mass sweep's token-only victims with gas
 */
public record GroundTruth(
        List<SweptWallet> swept,
        Set<String> benign,
        Map<Attack, String> groups,
        Map<Attack, Set<String>> lookAlikes,
        SanctionedOutflow sanctioned,
        List<String> attackerDestinations,
        String attackerFunder) {

    public GroundTruth {
        swept = swept.stream()
                .sorted(Comparator.comparingInt(SweptWallet::block))
                .toList();
        benign = Set.copyOf(benign);
        groups = groups.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(groups));
        lookAlikes = lookAlikes.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
        attackerDestinations = List.copyOf(attackerDestinations);
    }

    /**
     * A wallet an attack took: its first malicious transaction (the sweep, the approval, the
     * delegation, the first drip) is in block {@code block} (index into the timeline).
     */
    public record SweptWallet(
            String address,
            int block,
            boolean tokenOnly,
            double usdValue,
            String destination,
            Attack attack,
            String group) {}

    /** The benign-looking payment from {@code wallet} to a sanctioned address, in block {@code block}. */
    public record SanctionedOutflow(String wallet, String destination, String txHash, int block) {}

    /** The victims' addresses. */
    public Set<String> sweptAddresses() {
        return swept.stream().map(SweptWallet::address).collect(Collectors.toUnmodifiableSet());
    }

    /** The victims of one attack shape, in the order they were hit. */
    public List<SweptWallet> victims(Attack attack) {
        return swept.stream().filter(s -> s.attack() == attack).toList();
    }

    /** The shapes played, in their declared order. */
    public List<Attack> attacks() {
        return groups.keySet().stream().sorted().toList();
    }

    /** The timeline index of the block holding the first malicious transaction of the {@code n}th victim (1-based). */
    public int blockOfSweep(int n) {
        return swept.get(n - 1).block();
    }
}
