package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.detector.rules.FleetState.Destination;
import io.drainwatch.detector.rules.FleetState.DrainedWallet;
import io.drainwatch.detector.rules.FleetState.Hit;
import io.drainwatch.detector.rules.FleetState.Incident;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code fleet-surge} and the incident it opens, as a pure function of one custody group's state:
 * (state, signal, settings, time) in, the next state and what changed out. Opens the incident when
 * the group's drained (emptied) wallets surge, whatever their value, adds every later drained wallet
 * to it and raises that wallet's alert to the incident's severity when it paged nothing by itself,
 * takes back what a reorganisation removed, and resolves it when quiet. The fleet stage stores the
 * results.
 */
public final class FleetStateMachine {
    static final int MAX_ALERT_IDS = 1000;
    static final int MAX_LATEST_WALLETS = 200;
    static final int MAX_DESTINATIONS = 200;
    /** The severity of an incident, and so of the alerts of the wallets that join it. */
    public static final Severity INCIDENT_SEVERITY = Severity.CRITICAL;

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private FleetStateMachine() {}

    /** The open incident's wallets as stored (one record per wallet), for reading. */
    @FunctionalInterface
    public interface Members {
        @Nullable
        DrainedWallet get(String wallet);
    }

    /** A change to the stored incident wallets. */
    public sealed interface MemberChange {
        /** Stores {@code wallet} (added, or with new evidence). */
        record Put(DrainedWallet wallet) implements MemberChange {}

        /** Forgets one wallet. */
        record Delete(String wallet) implements MemberChange {}

        /** Forgets every wallet: the incident ended or a new one starts. */
        record Clear() implements MemberChange {}
    }

    /**
     * An alert that pages nothing by itself (a low balance drain) whose wallet joined the open
     * incident: it is raised to the incident's severity, under its own id, and names the incident.
     */
    public record Escalation(String wallet, String alertId, String incidentId, Severity severity) {}

    /**
     * The result of one step: the next state, the changes to the stored incident wallets (in order),
     * when the incident changed its new status, and the alerts to raise to the incident's severity.
     */
    public record Transition(
            FleetState state,
            List<MemberChange> members,
            Optional<AlertStatus> incident,
            List<Escalation> escalations) {
        static Transition quiet(FleetState state) {
            return new Transition(state, List.of(), Optional.empty(), List.of());
        }
    }

    /** Whether an alert of {@code severity} pages nothing by itself (below high); unknown counts as paging. */
    static boolean belowPaging(@Nullable Severity severity) {
        return severity != null && severity.compareTo(Severity.HIGH) < 0;
    }

    /** A drained wallet (or, when retracted, evidence a reorganisation removed) reached the fleet. */
    public static Transition onDrain(
            FleetState state, String group, DrainSignal s, RuleSettings rules, long now, Members members) {
        if (s.retracted()) {
            return onRetraction(state, s, now, members);
        }
        long window = rules.surgeWindow().toMillis();
        long signalBucket = Math.floorDiv(s.blockTime(), window);
        double nextNormal = state.normal();
        long nextBucket = state.bucket();
        int nextCount = state.bucketCount();
        Incident incident = state.incident();
        if (state.bucket() == Long.MIN_VALUE) {
            nextBucket = signalBucket;
        } else if (signalBucket > state.bucket()) {
            // The windows of an attack say nothing about the group's normal: it is not learned while an
            // incident is open.
            if (incident == null) {
                nextNormal = FleetSurgeRule.learn(state.normal(), state.bucketCount(), signalBucket - state.bucket());
            }
            nextBucket = signalBucket;
            nextCount = 0;
        }
        if (incident != null) {
            DrainedWallet existing = members.get(s.wallet());
            FleetState unchanged =
                    new FleetState(state.recent(), nextNormal, nextBucket, nextCount, incident, state.atRiskUsd());
            if (existing != null && existing.has(s)) {
                return Transition.quiet(unchanged);
            }
            Incident next = add(incident.next(now), existing, s);
            DrainedWallet member = existing == null ? DrainedWallet.of(s) : existing.with(s);
            List<Escalation> raised = belowPaging(s.severity())
                    ? List.of(new Escalation(s.wallet(), s.alertId(), incident.incidentId(), INCIDENT_SEVERITY))
                    : List.of();
            return new Transition(
                    new FleetState(state.recent(), nextNormal, nextBucket, nextCount, next, state.atRiskUsd()),
                    List.of(new MemberChange.Put(member)),
                    Optional.of(AlertStatus.UPDATED),
                    raised);
        }
        Map<String, DrainedWallet> kept = new LinkedHashMap<>();
        state.recent().forEach((w, d) -> {
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
            return Transition.quiet(new FleetState(kept, nextNormal, nextBucket, nextCount, null, state.atRiskUsd()));
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
        List<MemberChange> changes = new ArrayList<>();
        changes.add(new MemberChange.Clear());
        List<Escalation> raised = new ArrayList<>();
        for (DrainedWallet w : kept.values()) {
            DrainedWallet added = null;
            for (Hit hit : w.hits().values()) {
                DrainSignal replay = DrainSignal.of(w, hit, group);
                opened = add(opened, added, replay);
                added = added == null ? DrainedWallet.of(replay) : added.with(replay);
            }
            for (String alertId : belowPagingAlerts(w)) {
                raised.add(new Escalation(w.wallet(), alertId, opened.incidentId(), INCIDENT_SEVERITY));
            }
            changes.add(new MemberChange.Put(w));
        }
        // Every wallet counted in this window is now the incident's: the normal is what it was before the attack.
        return new Transition(
                new FleetState(Map.of(), normalBefore, nextBucket, 0, opened, state.atRiskUsd()),
                changes,
                Optional.of(AlertStatus.FIRING),
                raised);
    }

    /** The estimated value held by one of the group's wallets changed by {@code deltaUsd}. */
    public static FleetState onValueChange(FleetState state, double deltaUsd) {
        return state.withValueDelta(deltaUsd);
    }

    /** Resolves the incident when it has had no new evidence for {@code quiet} milliseconds. */
    public static Transition onTick(FleetState state, long now, long quiet) {
        Incident incident = state.incident();
        if (incident == null || now - incident.lastChange() < quiet) {
            return Transition.quiet(state);
        }
        return new Transition(
                new FleetState(Map.of(), state.normal(), state.afterIncident(), 0, null, state.atRiskUsd()),
                List.of(new MemberChange.Clear()),
                Optional.of(AlertStatus.RESOLVED),
                List.of());
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

    private static Transition onRetraction(FleetState state, DrainSignal s, long now, Members members) {
        Map<String, DrainedWallet> nextRecent = new LinkedHashMap<>(state.recent());
        DrainedWallet r = nextRecent.get(s.wallet());
        if (r != null) {
            DrainedWallet rest = r.without(s);
            if (rest == null) {
                nextRecent.remove(s.wallet());
            } else {
                nextRecent.put(s.wallet(), rest);
            }
        }
        Incident incident = state.incident();
        DrainedWallet member = incident == null ? null : members.get(s.wallet());
        Hit hit = member == null ? null : member.hits().get(DrainedWallet.key(s));
        if (incident == null || member == null || hit == null) {
            return Transition.quiet(new FleetState(
                    nextRecent, state.normal(), state.bucket(), state.bucketCount(), incident, state.atRiskUsd()));
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
        MemberChange change = rest == null ? new MemberChange.Delete(s.wallet()) : new MemberChange.Put(rest);
        if (wallets <= 0) {
            return new Transition(
                    new FleetState(nextRecent, state.normal(), state.afterIncident(), 0, null, state.atRiskUsd()),
                    List.of(change, new MemberChange.Clear()),
                    Optional.of(AlertStatus.RETRACTED),
                    List.of());
        }
        return new Transition(
                new FleetState(
                        nextRecent, state.normal(), state.bucket(), state.bucketCount(), next, state.atRiskUsd()),
                List.of(change),
                Optional.of(AlertStatus.UPDATED),
                List.of());
    }

    /** The distinct alerts of {@code wallet} below paging severity, to raise when it joins an incident. */
    private static List<String> belowPagingAlerts(DrainedWallet wallet) {
        return wallet.hits().values().stream()
                .filter(Hit::belowPaging)
                .map(Hit::alertId)
                .distinct()
                .toList();
    }
}
