package io.drainwatch.detector.alert;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.detector.rules.FleetSurgeRule;
import io.drainwatch.schemas.AlertStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One custody group as the fleet stage sees it: wallets drained recently, the learned normal number
 * of drained wallets per window, the open incident's running totals, and the estimated value its
 * watched wallets still hold. Its size is bounded whatever the size of the attack: the incident's
 * wallets themselves live in {@link IncidentMembers}. Immutable; each change returns the next state.
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

    static final int MAX_ALERT_IDS = 1000;
    static final int MAX_LATEST_WALLETS = 200;
    static final int MAX_DESTINATIONS = 200;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public static FleetState empty() {
        return new FleetState(Map.of(), 0, Long.MIN_VALUE, 0, null, 0);
    }

    /** One piece of evidence that drained a wallet, as one alert cites it. */
    public record Hit(
            String eventId, @Nullable Double usd, @Nullable String destination, String rule, String alertId) {}

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
            next.put(key(s), new Hit(s.eventId(), s.usd(), s.destination(), s.rule(), s.alertId()));
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

    /** The result of a change: the next state and, when the incident changed, its new status. */
    public record Change(FleetState state, Optional<AlertStatus> incident) {}

    public Change onDrain(String group, DrainSignal s, RuleSettings rules, long now, IncidentMembers members) {
        if (s.retracted()) {
            return onRetraction(s, now, members);
        }
        long window = rules.surgeWindow().toMillis();
        long signalBucket = Math.floorDiv(s.blockTime(), window);
        double nextNormal = normal;
        long nextBucket = bucket;
        int nextCount = bucketCount;
        if (bucket == Long.MIN_VALUE) {
            nextBucket = signalBucket;
        } else if (signalBucket > bucket) {
            // The windows of an attack say nothing about the group's normal: it is not learned while an
            // incident is open.
            if (incident == null) {
                nextNormal = FleetSurgeRule.learn(normal, bucketCount, signalBucket - bucket);
            }
            nextBucket = signalBucket;
            nextCount = 0;
        }
        if (incident != null) {
            DrainedWallet existing = members.get(s.wallet());
            if (existing != null && existing.has(s)) {
                return new Change(
                        new FleetState(recent, nextNormal, nextBucket, nextCount, incident, atRiskUsd),
                        Optional.empty());
            }
            Incident next = add(incident.next(now), existing, s);
            members.put(existing == null ? DrainedWallet.of(s) : existing.with(s));
            return new Change(
                    new FleetState(recent, nextNormal, nextBucket, nextCount, next, atRiskUsd),
                    Optional.of(AlertStatus.UPDATED));
        }
        Map<String, DrainedWallet> kept = new LinkedHashMap<>();
        recent.forEach((w, d) -> {
            if (d.lastTime() >= s.blockTime() - window) {
                kept.put(w, d);
            }
        });
        DrainedWallet existing = kept.get(s.wallet());
        if (existing == null) {
            nextCount++;
        }
        kept.put(s.wallet(), existing == null ? DrainedWallet.of(s) : existing.with(s));
        // The wallets drained now must not raise the bar they are measured against: those of the window
        // before this one have already been learned into the normal, so the surge is judged without them.
        long bucketBefore = nextBucket - 1;
        int learnedRecently = (int) kept.values().stream()
                .filter(d -> Math.floorDiv(d.firstTime(), window) == bucketBefore)
                .count();
        double normalBefore = FleetSurgeRule.unlearn(nextNormal, learnedRecently);
        if (!FleetSurgeRule.surging(kept.size(), normalBefore, rules)) {
            return new Change(
                    new FleetState(kept, nextNormal, nextBucket, nextCount, null, atRiskUsd), Optional.empty());
        }
        long first =
                kept.values().stream().mapToLong(DrainedWallet::firstTime).min().orElse(s.blockTime());
        Incident opened = new Incident(
                "inc-" + group + "-" + ID_TIME.format(Instant.ofEpochMilli(first)),
                now,
                now,
                1,
                0,
                0,
                first,
                first,
                List.of(),
                Map.of(),
                List.of(),
                Map.of(),
                List.of());
        members.clear();
        for (DrainedWallet w : kept.values()) {
            DrainedWallet added = null;
            for (Hit hit : w.hits().values()) {
                DrainSignal replay = new DrainSignal(
                        group,
                        w.chainId(),
                        w.wallet(),
                        hit.rule(),
                        hit.alertId(),
                        hit.eventId(),
                        hit.destination(),
                        hit.usd(),
                        w.firstTime(),
                        false);
                opened = add(opened, added, replay);
                added = added == null ? DrainedWallet.of(replay) : added.with(replay);
            }
            members.put(new DrainedWallet(w.wallet(), w.chainId(), w.firstTime(), w.lastTime(), w.hits()));
        }
        // Every wallet counted in this window is now the incident's: the normal is what it was before the attack.
        return new Change(
                new FleetState(Map.of(), normalBefore, nextBucket, 0, opened, atRiskUsd),
                Optional.of(AlertStatus.FIRING));
    }

    /** The incident's totals with signal {@code s} added to member {@code before} (null: a new member). */
    private static Incident add(Incident i, @Nullable DrainedWallet before, DrainSignal s) {
        double addedUsd = s.usd() == null || (before != null && before.valued(s.eventId())) ? 0 : s.usd();
        Map<String, Destination> destinations = new LinkedHashMap<>(i.destinations());
        if (s.destination() != null
                && (destinations.containsKey(s.destination()) || destinations.size() < MAX_DESTINATIONS)) {
            Destination d = destinations.getOrDefault(s.destination(), new Destination(0, 0));
            boolean newPayer = before == null || !before.paid(s.destination());
            destinations.put(s.destination(), new Destination(d.wallets() + (newPayer ? 1 : 0), d.usd() + addedUsd));
        }
        LinkedHashSet<String> alertIds = new LinkedHashSet<>(i.alertIds());
        Map<String, Integer> rules = new TreeMap<>(i.rules());
        if (alertIds.size() < MAX_ALERT_IDS && alertIds.add(s.alertId())) {
            rules.merge(s.rule(), 1, Integer::sum);
        }
        List<String> latest = new ArrayList<>(i.latestWallets());
        LinkedHashSet<Long> chains = new LinkedHashSet<>(i.chainIds());
        chains.add(s.chainId());
        int wallets = i.walletsDrained();
        if (before == null) {
            wallets++;
            latest.add(s.wallet());
            if (latest.size() > MAX_LATEST_WALLETS) {
                latest.remove(0);
            }
        }
        return new Incident(
                i.incidentId(),
                i.openedAt(),
                i.lastChange(),
                i.version(),
                wallets,
                i.valueLostUsd() + addedUsd,
                Math.min(i.firstEvidence(), s.blockTime()),
                Math.max(i.lastEvidence(), s.blockTime()),
                new ArrayList<>(chains),
                destinations,
                new ArrayList<>(alertIds),
                rules,
                latest);
    }

    private Change onRetraction(DrainSignal s, long now, IncidentMembers members) {
        Map<String, DrainedWallet> nextRecent = new LinkedHashMap<>(recent);
        DrainedWallet r = nextRecent.get(s.wallet());
        if (r != null) {
            DrainedWallet rest = r.without(s);
            if (rest == null) {
                nextRecent.remove(s.wallet());
            } else {
                nextRecent.put(s.wallet(), rest);
            }
        }
        DrainedWallet member = incident == null ? null : members.get(s.wallet());
        Hit hit = member == null ? null : member.hits().get(DrainedWallet.key(s));
        if (hit == null) {
            return new Change(
                    new FleetState(nextRecent, normal, bucket, bucketCount, incident, atRiskUsd), Optional.empty());
        }
        DrainedWallet rest = member.without(s);
        double lostUsd = hit.usd() == null || (rest != null && rest.valued(hit.eventId())) ? 0 : hit.usd();
        Incident i = incident.next(now);
        Map<String, Destination> destinations = new LinkedHashMap<>(i.destinations());
        if (hit.destination() != null && destinations.containsKey(hit.destination())) {
            Destination d = destinations.get(hit.destination());
            boolean stillPays = rest != null && rest.paid(hit.destination());
            Destination next = new Destination(d.wallets() - (stillPays ? 0 : 1), d.usd() - lostUsd);
            if (next.wallets() <= 0) {
                destinations.remove(hit.destination());
            } else {
                destinations.put(hit.destination(), next);
            }
        }
        int wallets = i.walletsDrained() - (rest == null ? 1 : 0);
        List<String> latest = i.latestWallets().stream()
                .filter(w -> rest != null || !w.equals(s.wallet()))
                .toList();
        Incident next = new Incident(
                i.incidentId(),
                i.openedAt(),
                now,
                i.version(),
                wallets,
                i.valueLostUsd() - lostUsd,
                i.firstEvidence(),
                i.lastEvidence(),
                i.chainIds(),
                destinations,
                i.alertIds(),
                i.rules(),
                latest);
        if (rest == null) {
            members.delete(s.wallet());
        } else {
            members.put(rest);
        }
        if (wallets <= 0) {
            members.clear();
            return new Change(
                    new FleetState(nextRecent, normal, afterIncident(), 0, null, atRiskUsd),
                    Optional.of(AlertStatus.RETRACTED));
        }
        return new Change(
                new FleetState(nextRecent, normal, bucket, bucketCount, next, atRiskUsd),
                Optional.of(AlertStatus.UPDATED));
    }

    /** Resolves the incident when it has had no new evidence for {@code quiet} milliseconds. */
    public Change onTick(long now, long quiet, IncidentMembers members) {
        if (incident == null || now - incident.lastChange() < quiet) {
            return new Change(this, Optional.empty());
        }
        members.clear();
        return new Change(
                new FleetState(Map.of(), normal, afterIncident(), 0, null, atRiskUsd),
                Optional.of(AlertStatus.RESOLVED));
    }

    /**
     * The window learning resumes from once an incident ends: the one after its latest evidence, so
     * the attack's own window is never learned as a quiet one.
     */
    private long afterIncident() {
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
