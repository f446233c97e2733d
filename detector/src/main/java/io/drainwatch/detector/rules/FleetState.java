package io.drainwatch.detector.rules;

import io.drainwatch.schemas.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One custody group as the fleet stage sees it: wallets drained recently, the learned normal number
 * of drained wallets per window, the open incident's running totals, and the estimated value its
 * watched wallets still hold. Its size is bounded whatever the size of the attack: the incident's
 * wallets themselves are kept apart, one record per wallet (see {@link FleetStateMachine.Members}).
 * Immutable: {@link FleetStateMachine} computes each next state.
 *
 * @param recent wallets drained within the surge window while no incident is open (fewer than the threshold)
 * @param normal the learned number of wallets drained per window outside incidents
 * @param bucket the index of the current surge window (block time / window), for learning the normal
 * @param bucketCount wallets newly drained in the current window that are not part of an incident
 */
public record FleetState(
        Map<String, DrainedWallet> recent,
        double normal,
        long bucket,
        int bucketCount,
        @Nullable Incident incident,
        double atRiskUsd) {

    public static FleetState empty() {
        return new FleetState(Map.of(), 0, Long.MIN_VALUE, 0, null, 0);
    }

    /**
     * One piece of evidence that drained a wallet, as one alert cites it.
     *
     * @param severity the alert's severity when it cited the evidence (absent in state written before it was kept)
     */
    public record Hit(
            String eventId,
            @Nullable Double usd,
            @Nullable String destination,
            String rule,
            String alertId,
            @Nullable Severity severity) {

        /** Whether the alert pages nothing by itself, so joining an incident raises it to the incident's severity. */
        public boolean belowPaging() {
            return FleetStateMachine.belowPaging(severity);
        }
    }

    /**
     * A drained wallet and its evidence, keyed by event and alert: a transfer cited by two alerts is
     * two hits but is lost once.
     */
    public record DrainedWallet(String wallet, long chainId, long firstTime, long lastTime, Map<String, Hit> hits) {
        static DrainedWallet of(DrainSignal s) {
            return new DrainedWallet(s.wallet(), s.chainId(), s.blockTime(), s.blockTime(), Map.of()).with(s);
        }

        static String key(DrainSignal s) {
            return s.eventId() + "|" + s.alertId();
        }

        boolean has(DrainSignal s) {
            return hits.containsKey(key(s));
        }

        /** Whether some hit already counts the value of event {@code eventId}. */
        boolean valued(String eventId) {
            return hits.values().stream().anyMatch(h -> h.eventId().equals(eventId) && h.usd() != null);
        }

        DrainedWallet with(DrainSignal s) {
            Map<String, Hit> next = new LinkedHashMap<>(hits);
            next.put(key(s), new Hit(s.eventId(), s.usd(), s.destination(), s.rule(), s.alertId(), s.severity()));
            return new DrainedWallet(
                    wallet, chainId, Math.min(firstTime, s.blockTime()), Math.max(lastTime, s.blockTime()), next);
        }

        @Nullable
        DrainedWallet without(DrainSignal s) {
            Map<String, Hit> next = new LinkedHashMap<>(hits);
            next.remove(key(s));
            return next.isEmpty() ? null : new DrainedWallet(wallet, chainId, firstTime, lastTime, next);
        }

        boolean paid(String destination) {
            return hits.values().stream().anyMatch(h -> destination.equals(h.destination()));
        }
    }

    /** Where an incident's funds went: distinct wallets that paid the address and the value they sent. */
    public record Destination(int wallets, double usd) {}

    /** The open incident's running totals: the unit that pages. */
    public record Incident(
            String incidentId,
            long openedAt,
            long lastChange,
            int version,
            int walletsDrained,
            double valueLostUsd,
            long firstEvidence,
            long lastEvidence,
            List<Long> chainIds,
            Map<String, Destination> destinations,
            List<String> alertIds,
            Map<String, Integer> rules,
            List<String> latestWallets) {

        Incident next(long now) {
            return new Incident(
                    incidentId,
                    openedAt,
                    now,
                    version + 1,
                    walletsDrained,
                    valueLostUsd,
                    firstEvidence,
                    lastEvidence,
                    chainIds,
                    destinations,
                    alertIds,
                    rules,
                    latestWallets);
        }
    }

    /**
     * The window learning resumes from once an incident ends: the one after its latest evidence, so
     * the attack's own window is never learned as a quiet one.
     */
    long afterIncident() {
        return bucket == Long.MIN_VALUE ? bucket : bucket + 1;
    }

    public FleetState withValueDelta(double delta) {
        return new FleetState(recent, normal, bucket, bucketCount, incident, Math.max(0, atRiskUsd + delta));
    }

    /** The incident's final version for a status change that closes it (RESOLVED, RETRACTED). */
    public Incident ended(long now) {
        return Objects.requireNonNull(incident, "no open incident").next(now);
    }
}
