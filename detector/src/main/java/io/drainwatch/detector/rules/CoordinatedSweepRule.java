package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code coordinated-sweep}: several distinct watched wallets pay the same unknown address within the
 * window. One wallet paying a new address is a withdrawal; three paying the same one is an attacker
 * collecting. A fresh destination (never transacted before) needs fewer wallets.
 */
public final class CoordinatedSweepRule {
    /** Payers kept per destination: far above any threshold, and a state record far below Kafka's 1 MB. */
    static final int MAX_PAYERS = 500;
    /** Latest event ids kept per payer, to recognise a replayed or retracted payment. */
    static final int MAX_EVENTS_PER_PAYER = 8;

    private CoordinatedSweepRule() {}

    /**
     * The wallets that paid one destination within the window (the latest {@link #MAX_PAYERS}), and
     * whether the rule has fired for it.
     */
    public record DestinationState(Map<String, Payer> payers, boolean fresh, boolean firing) {
        public static DestinationState empty() {
            return new DestinationState(Map.of(), false, false);
        }
    }

    /** One watched wallet's payments to the destination. */
    public record Payer(String wallet, String custodyGroup, long firstTime, long lastTime, List<String> eventIds) {}

    /**
     * The result: maybe a finding, the updated state, and the payments that became evidence of the
     * sweep now (all of them when it first fires, then each new one).
     */
    public record Outcome(Optional<Finding> finding, DestinationState state, List<Payment> implicated) {}

    public static Outcome evaluate(Payment p, List<Payment> earlier, DestinationState state, RuleSettings rules) {
        long horizon = p.blockTime() - rules.sweepWindow().toMillis();
        Map<String, Payer> payers = new LinkedHashMap<>();
        state.payers().forEach((wallet, payer) -> {
            if (payer.lastTime() >= horizon) {
                payers.put(wallet, payer);
            }
        });
        // Whether the destination was fresh belongs to its window: once every payer has left it, a
        // payment starts over.
        boolean fresh = (!payers.isEmpty() && state.fresh()) || p.fresh();
        Payer previous = payers.get(p.wallet());
        List<String> events = new ArrayList<>(previous == null ? List.of() : previous.eventIds());
        events.add(p.eventId());
        while (events.size() > MAX_EVENTS_PER_PAYER) {
            events.remove(0);
        }
        payers.put(
                p.wallet(),
                new Payer(
                        p.wallet(),
                        p.custodyGroup(),
                        previous == null ? p.blockTime() : previous.firstTime(),
                        p.blockTime(),
                        events));
        if (payers.size() > MAX_PAYERS) {
            payers.values().stream()
                    .filter(payer -> !payer.wallet().equals(p.wallet()))
                    .min(java.util.Comparator.comparingLong(Payer::lastTime))
                    .ifPresent(oldest -> payers.remove(oldest.wallet()));
        }
        boolean wasFiring = state.firing() && payers.size() > 1;
        int threshold = fresh ? rules.sweepFreshMinWallets() : rules.sweepMinWallets();
        boolean firing = rules.coordinatedSweep() && payers.size() >= threshold;
        DestinationState next = new DestinationState(payers, fresh, firing);
        if (!firing) {
            return new Outcome(Optional.empty(), next, List.of());
        }
        List<Payment> implicated = new ArrayList<>();
        if (!wasFiring) {
            earlier.stream()
                    .filter(e -> payers.containsKey(e.wallet()) && !e.eventId().equals(p.eventId()))
                    .forEach(implicated::add);
        }
        implicated.add(p);
        double usd = implicated.stream()
                .map(Payment::usd)
                .filter(java.util.Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .sum();
        String groups = payers.values().stream()
                .map(Payer::custodyGroup)
                .distinct()
                .sorted()
                .reduce((a, b) -> a + "," + b)
                .orElse(p.custodyGroup());
        String count = payers.size() >= MAX_PAYERS ? "At least " + MAX_PAYERS : Integer.toString(payers.size());
        Finding finding = new Finding(
                RuleId.COORDINATED_SWEEP,
                Severity.CRITICAL,
                p.chainId(),
                groups,
                p.destination(),
                p.evidence(),
                count + " watched wallets swept to " + (fresh ? "fresh " : "") + "address "
                        + Money.shortAddress(p.destination()),
                count + " distinct watched wallets (groups " + groups + ") paid " + p.destination()
                        + (fresh ? ", a fresh address," : "")
                        + " within " + rules.sweepWindow().toMinutes() + " minutes; the latest payment was "
                        + (p.usd() == null ? "unpriced" : Money.usd(p.usd()))
                        + " in " + p.txHash()
                        + ". This is an attacker collecting from many leaked keys: open an incident, rotate the group's keys, "
                        + "move unswept funds, and report " + p.destination() + " to exchanges and bridges.",
                Map.of(
                        "min-wallets", Integer.toString(rules.sweepMinWallets()),
                        "fresh-min-wallets", Integer.toString(rules.sweepFreshMinWallets()),
                        "window", rules.sweepWindow().toString()));
        return new Outcome(Optional.of(finding), next, implicated);
    }

    /**
     * Whether a destination's state can be forgotten at block time {@code now}: every payer is older
     * than its group's window and a grace of one more window, for payments that reach the stage late.
     * A payment after that could not join those payers in a sweep, and an open alert keeps its own
     * evidence. The fresh flag goes with the state.
     */
    public static boolean expired(DestinationState state, long now, Function<String, RuleSettings> rulesOfGroup) {
        return state.payers().values().stream().allMatch(payer -> {
            long window = rulesOfGroup.apply(payer.custodyGroup()).sweepWindow().toMillis();
            return payer.lastTime() < now - 2 * window;
        });
    }

    /** Forgets a payment a reorganisation removed. */
    public static DestinationState remove(Payment removed, DestinationState state) {
        Map<String, Payer> payers = new LinkedHashMap<>(state.payers());
        Payer payer = payers.get(removed.wallet());
        if (payer != null) {
            List<String> events = new ArrayList<>(payer.eventIds());
            events.remove(removed.eventId());
            if (events.isEmpty()) {
                payers.remove(removed.wallet());
            } else {
                payers.put(
                        removed.wallet(),
                        new Payer(payer.wallet(), payer.custodyGroup(), payer.firstTime(), payer.lastTime(), events));
            }
        }
        return new DestinationState(payers, state.fresh(), state.firing());
    }
}
