package io.drainwatch.detector.demo;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How well the detector did on a scenario, from what it wrote compared with the ground truth: which
 * swept wallets were alerted, how soon the incident opened, and any high or critical alert on a
 * benign wallet.
 */
public record DemoReport(
        int walletsSwept,
        List<String> missed,
        Optional<DrainIncident> incidentOpening,
        Optional<Duration> timeToIncident,
        List<DrainAlert> falseAlerts,
        Optional<DrainAlert> sanctionedAlert,
        double valueSwept,
        List<Duration> detectionLatencies,
        List<Duration> firstAlertLatencies,
        Map<String, Long> alertsByRule,
        List<ShapeScore> shapes) {

    /**
     * How the detector did on one attack shape.
     *
     * @param paged victims named by a high or critical alert, or by an incident of their group
     * @param blocksToPage blocks from the first malicious transaction to the first page (a high or
     *     critical alert on a victim, or the group's incident), when the block times are known
     * @param falseAlerts high or critical alerts on the shape's look-alikes
     */
    public record ShapeScore(
            Attack attack,
            String group,
            int victims,
            int paged,
            Optional<Instant> firstPage,
            Optional<Integer> blocksToPage,
            Optional<DrainIncident> incidentOpening,
            int falseAlerts,
            Set<String> pagingRules) {
        public ShapeScore {
            pagingRules = Set.copyOf(pagingRules);
        }

        String line() {
            return String.format(
                            java.util.Locale.ROOT,
                            "  %-11s %3d %s in %-9s %3d of %d paged  first page %s  look-alikes paged %d",
                            attack.id(),
                            victims,
                            victims == 1 ? "victim " : "victims",
                            group,
                            paged,
                            victims,
                            firstPage.isEmpty()
                                    ? "NEVER"
                                    : blocksToPage
                                            .map(b -> b == 0
                                                    ? "in the block of the first theft"
                                                    : b + " block" + (b == 1 ? "" : "s") + " after the first theft")
                                            .orElse("(block times unknown)"),
                            falseAlerts)
                    + (pagingRules.isEmpty()
                            ? ""
                            : "\n                paged by "
                                    + new java.util.TreeSet<>(pagingRules)
                                    + incidentOpening
                                            .map(i -> " and incident " + i.getIncidentId())
                                            .orElse(""));
        }
    }

    /** Scores against {@code truth} without block times (no first-page delays). */
    public static DemoReport of(
            GroundTruth truth, List<DrainAlert> alerts, List<DrainIncident> incidents, Optional<Instant> firstSweep) {
        return of(truth, alerts, incidents, firstSweep, Map.of());
    }

    /** Scores against {@code truth}, with the time each block (by timeline index) was written. */
    public static DemoReport of(
            GroundTruth truth,
            List<DrainAlert> alerts,
            List<DrainIncident> incidents,
            Map<Integer, Instant> blockTimes) {
        Optional<Instant> firstSweep =
                truth.swept().isEmpty() ? Optional.empty() : Optional.ofNullable(blockTimes.get(truth.blockOfSweep(1)));
        return of(truth, alerts, incidents, firstSweep, blockTimes);
    }

    private static DemoReport of(
            GroundTruth truth,
            List<DrainAlert> alerts,
            List<DrainIncident> incidents,
            Optional<Instant> firstSweep,
            Map<Integer, Instant> blockTimes) {
        Set<String> alerted = alerts.stream().flatMap(a -> involved(a).stream()).collect(Collectors.toSet());
        List<String> missed = truth.swept().stream()
                .map(GroundTruth.SweptWallet::address)
                .filter(w -> !alerted.contains(w))
                .toList();
        String firstGroup = truth.swept().isEmpty() ? "" : truth.swept().get(0).group();
        Optional<DrainIncident> opening = incidents.stream()
                .filter(i -> i.getCustodyGroup().equals(firstGroup) && i.getStatus() == AlertStatus.FIRING)
                .findFirst();
        Optional<Duration> toIncident = opening.flatMap(i -> firstSweep.map(t -> Duration.between(t, i.getOpenedAt())));
        Map<String, DrainAlert> falseAlerts = new LinkedHashMap<>();
        for (DrainAlert a : alerts) {
            if (a.getSeverity().compareTo(Severity.HIGH) >= 0
                    && involved(a).stream().anyMatch(truth.benign()::contains)) {
                falseAlerts.putIfAbsent(a.getAlertId(), a);
            }
        }
        GroundTruth.SanctionedOutflow sanctioned = truth.sanctioned();
        Optional<DrainAlert> sanctionedAlert = alerts.stream()
                .filter(a -> involved(a).contains(sanctioned.wallet())
                        && sanctioned.destination().equals(a.getDestination()))
                .max(Comparator.comparing(DrainAlert::getSeverity));
        double value = truth.swept().stream()
                .mapToDouble(GroundTruth.SweptWallet::usdValue)
                .sum();
        // From the block holding an alert's first evidence to the alert being written: what the on-call waits.
        List<Duration> latencies = alerts.stream()
                .filter(a -> a.getStatus() == AlertStatus.FIRING)
                .map(a -> Duration.between(a.getLastEvidenceTime(), a.getDetectedAt()))
                .sorted()
                .toList();
        // From the block of a wallet's sweep to the first alert about that wallet: how soon a drained
        // wallet is known, whichever rule sees it first.
        Map<String, Duration> firstAlert = new java.util.HashMap<>();
        for (DrainAlert a : alerts) {
            if (a.getStatus() == AlertStatus.FIRING) {
                firstAlert.merge(
                        a.getSubject(),
                        Duration.between(a.getLastEvidenceTime(), a.getDetectedAt()),
                        (x, y) -> x.compareTo(y) <= 0 ? x : y);
            }
        }
        List<Duration> firstAlertLatencies = truth.swept().stream()
                .map(w -> firstAlert.get(w.address()))
                .filter(java.util.Objects::nonNull)
                .sorted()
                .toList();
        Map<String, Long> byRule = alerts.stream()
                .filter(a -> a.getStatus() == AlertStatus.FIRING)
                .collect(Collectors.groupingBy(DrainAlert::getRule, java.util.TreeMap::new, Collectors.counting()));
        return new DemoReport(
                truth.swept().size(),
                missed,
                opening,
                toIncident,
                List.copyOf(falseAlerts.values()),
                sanctionedAlert,
                value,
                latencies,
                firstAlertLatencies,
                byRule,
                shapes(truth, alerts, incidents, blockTimes));
    }

    private static List<ShapeScore> shapes(
            GroundTruth truth,
            List<DrainAlert> alerts,
            List<DrainIncident> incidents,
            Map<Integer, Instant> blockTimes) {
        List<ShapeScore> scores = new ArrayList<>();
        for (Attack attack : truth.attacks()) {
            String group = truth.groups().getOrDefault(attack, "");
            List<GroundTruth.SweptWallet> victims = truth.victims(attack);
            Set<String> addresses =
                    victims.stream().map(GroundTruth.SweptWallet::address).collect(Collectors.toSet());
            List<DrainIncident> groupIncidents = incidents.stream()
                    .filter(i -> i.getCustodyGroup().equals(group))
                    .toList();
            Set<String> named = new java.util.HashSet<>();
            groupIncidents.forEach(i -> named.addAll(i.getWallets()));
            Optional<Instant> firstPage = Optional.empty();
            Set<String> rules = new java.util.HashSet<>();
            for (DrainAlert a : alerts) {
                if (a.getSeverity().compareTo(Severity.HIGH) >= 0
                        && involved(a).stream().anyMatch(addresses::contains)) {
                    named.addAll(involved(a));
                    rules.add(a.getRule());
                    firstPage = earlier(firstPage, a.getDetectedAt());
                }
            }
            Optional<DrainIncident> opening = groupIncidents.stream()
                    .filter(i -> i.getStatus() == AlertStatus.FIRING)
                    .findFirst();
            if (opening.isPresent()) {
                firstPage = earlier(firstPage, opening.get().getOpenedAt());
            }
            int paged = (int) addresses.stream().filter(named::contains).count();
            int firstBlock = victims.stream()
                    .mapToInt(GroundTruth.SweptWallet::block)
                    .min()
                    .orElse(0);
            Optional<Integer> delay = firstPage
                    .filter(t -> blockTimes.containsKey(firstBlock))
                    .map(t -> (int) blockTimes.entrySet().stream()
                            .filter(e ->
                                    e.getKey() > firstBlock && !e.getValue().isAfter(t))
                            .count());
            Set<String> alike = truth.lookAlikes().getOrDefault(attack, Set.of());
            int falseAlerts = (int) alerts.stream()
                    .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0
                            && involved(a).stream().anyMatch(alike::contains))
                    .map(DrainAlert::getAlertId)
                    .distinct()
                    .count();
            scores.add(new ShapeScore(
                    attack, group, victims.size(), paged, firstPage, delay, opening, falseAlerts, rules));
        }
        return scores;
    }

    private static Optional<Instant> earlier(Optional<Instant> current, Instant candidate) {
        return current.filter(c -> !c.isAfter(candidate)).or(() -> Optional.of(candidate));
    }

    /** The wallets an alert is about: its subject and its listed wallets. */
    static Set<String> involved(DrainAlert a) {
        Set<String> wallets = new java.util.HashSet<>(a.getWallets());
        wallets.add(a.getSubject());
        return wallets;
    }

    /** The {@code q} quantile of the detection latencies (nearest rank). */
    public Duration percentile(double q) {
        return percentile(detectionLatencies, q);
    }

    private static Duration percentile(List<Duration> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String spread(List<Duration> sorted) {
        return "median " + Display.duration(percentile(sorted, 0.5)) + ", 95% "
                + Display.duration(percentile(sorted, 0.95)) + ", max " + Display.duration(sorted.getLast());
    }

    /** Every swept wallet alerted and no false alert. */
    public boolean passed() {
        return missed.isEmpty() && falseAlerts.isEmpty();
    }

    /** The summary a person reads at the end of the demo. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (!shapes.isEmpty()) {
            lines.add("by attack shape (paged: named by a high or critical alert, or by the group's incident)");
            shapes.forEach(shape -> lines.add(shape.line()));
        }
        lines.add("wallets swept        " + walletsSwept + " (" + Display.usd(valueSwept) + ")");
        lines.add("wallets alerted      " + (walletsSwept - missed.size())
                + (missed.isEmpty()
                        ? ""
                        : "  MISSED " + missed.size() + ": "
                                + missed.stream().limit(5).map(Display::address).collect(Collectors.joining(", "))));
        lines.add("incident opened      "
                + incidentOpening
                        .map(i -> timeToIncident
                                        .map(d -> Display.duration(d) + " after the first sweep, ")
                                        .orElse("") + "with " + i.getWalletsDrained() + " wallets drained")
                        .orElse("NEVER"));
        if (!firstAlertLatencies.isEmpty()) {
            lines.add("first alert          sweep block to the wallet's first alert: " + spread(firstAlertLatencies)
                    + " over " + firstAlertLatencies.size() + " swept wallets");
        }
        if (!detectionLatencies.isEmpty()) {
            lines.add("detection latency    block to alert, every alert: " + spread(detectionLatencies) + " over "
                    + detectionLatencies.size() + " alerts (unauthorized-outflow first waits for the signer)");
        }
        lines.add("alerts by rule       "
                + alertsByRule.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        lines.add("false alerts         " + falseAlerts.size() + " high/critical on benign wallets"
                + falseAlerts.stream()
                        .limit(3)
                        .map(a -> "\n                       " + a.getRule() + " " + a.getSummary())
                        .collect(Collectors.joining()));
        lines.add("sanctioned outflow   "
                + sanctionedAlert.map(a -> a.getSeverity() + " " + a.getRule()).orElse("NOT ALERTED"));
        lines.add(
                passed()
                        ? "result               every swept wallet caught, no false alert"
                        : "result               FAILED");
        return lines;
    }
}
