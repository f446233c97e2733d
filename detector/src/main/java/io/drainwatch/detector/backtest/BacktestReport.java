package io.drainwatch.detector.backtest;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the detector said about a block range, in figures: alerts by rule, severity and custody group;
 * each incident's timeline; the wallets that would have paged (a high or critical alert, or membership
 * of an incident) and when first; and, against the operator's known victims, recall, delay and false
 * pages. Pure: built from the records the detector wrote, rendered by {@link ReportHtml} and
 * {@link ReportJson}.
 */
public record BacktestReport(
        Run run,
        AlertCounts alerts,
        List<AlertLine> alertList,
        List<IncidentTimeline> incidents,
        List<PagedWallet> pagedWallets,
        @Nullable TruthFigures truth) {

    /**
     * The run: chain, block range (both ends included), the custody groups of the watched wallets, node
     * (redacted), wall-clock time taken.
     */
    public record Run(
            long chainId,
            long fromBlock,
            long toBlock,
            long blocks,
            List<String> custodyGroups,
            String node,
            String startedAt,
            double seconds) {
        /** The run of blocks {@code fromBlock..toBlock} of chain {@code chainId}. */
        public static Run of(
                long chainId,
                long fromBlock,
                long toBlock,
                List<String> custodyGroups,
                String node,
                String startedAt,
                double seconds) {
            return new Run(
                    chainId,
                    fromBlock,
                    toBlock,
                    toBlock - fromBlock + 1,
                    List.copyOf(custodyGroups),
                    node,
                    startedAt,
                    seconds);
        }
    }

    /** Distinct alerts (one per alert id, at the highest severity it reached). */
    public record AlertCounts(
            int total, Map<String, Integer> byRule, Map<String, Integer> bySeverity, Map<String, Integer> byGroup) {}

    /**
     * One alert over all its versions.
     *
     * @param pagedAtBlock the newest evidence block of its first version at high or critical severity
     * @param walletsPagedAt each wallet it paged for, with the newest evidence block of its first version at
     *     high or critical severity that named the wallet (a sweep alert grows wallet by wallet)
     */
    public record AlertLine(
            String alertId,
            String rule,
            String severity,
            String status,
            long chainId,
            String custodyGroup,
            long firstBlock,
            long lastBlock,
            @Nullable Long pagedAtBlock,
            List<String> wallets,
            Map<String, Long> walletsPagedAt,
            String summary) {}

    /** One incident: its events in order, and its state at the end of the run. */
    public record IncidentTimeline(
            String incidentId,
            String custodyGroup,
            String severity,
            String status,
            long openedAtBlock,
            @Nullable Long resolvedAfterBlock,
            int walletsDrained,
            double valueLostUsd,
            List<IncidentEvent> events) {}

    /** {@code OPENED}, {@code JOINED} (wallets newly drained into it), {@code RESOLVED} or {@code RETRACTED}. */
    public record IncidentEvent(long block, String kind, List<String> wallets) {}

    /** A wallet that would have paged: first at {@code block}, by the alert or incident {@code by}. */
    public record PagedWallet(long chainId, String address, String custodyGroup, long block, String by) {
        String key() {
            return Keys.address(chainId, address);
        }
    }

    /** The report against the truth file: every victim's outcome, recall, delays, false pages. */
    public record TruthFigures(
            int victims,
            int victimsPaged,
            @Nullable Double recall,
            @Nullable Long medianDelayBlocks,
            @Nullable Long maxDelayBlocks,
            List<VictimOutcome> outcomes,
            List<PagedWallet> falsePages) {}

    /** A victim: paged or not, and the blocks from its first outflow to its first page. */
    public record VictimOutcome(
            long chainId,
            String address,
            @Nullable Long firstBlock,
            @Nullable Long pagedAtBlock,
            @Nullable Long delayBlocks) {}

    /**
     * The report of a run from every version of every alert and incident the detector wrote (topic
     * order), the block clock of the range, and the known victims ({@code null}: no truth file).
     */
    public static BacktestReport of(
            Run run,
            List<DrainAlert> alerts,
            List<DrainIncident> incidents,
            BlockClock clock,
            @Nullable List<Victim> truth) {
        List<AlertLine> lines = alertLines(alerts);
        List<IncidentTimeline> timelines = incidentTimelines(incidents, clock);
        List<PagedWallet> paged = pagedWallets(lines, timelines, incidents, run.chainId());
        return new BacktestReport(
                run, counts(lines), lines, timelines, paged, truth == null ? null : truthFigures(paged, truth));
    }

    private static List<AlertLine> alertLines(List<DrainAlert> versions) {
        Map<String, List<DrainAlert>> byId = new LinkedHashMap<>();
        for (DrainAlert a : versions) {
            byId.computeIfAbsent(a.getAlertId(), id -> new ArrayList<>()).add(a);
        }
        List<AlertLine> lines = new ArrayList<>();
        byId.values().forEach(all -> all.sort(Comparator.comparingInt(DrainAlert::getVersion)));
        byId.forEach((id, all) -> {
            DrainAlert first = all.get(0);
            DrainAlert latest = all.get(all.size() - 1);
            Severity highest = first.getSeverity();
            Long paged = null;
            Set<String> wallets = new java.util.LinkedHashSet<>();
            Map<String, Long> walletsPaged = new LinkedHashMap<>();
            for (DrainAlert v : all) {
                if (v.getStatus() == AlertStatus.RETRACTED) {
                    continue;
                }
                wallets.addAll(v.getWallets());
                if (v.getSeverity().compareTo(highest) > 0) {
                    highest = v.getSeverity();
                }
                if (pages(v.getSeverity())) {
                    if (paged == null) {
                        paged = v.getLastBlock();
                    }
                    for (String w : v.getWallets()) {
                        walletsPaged.merge(w, v.getLastBlock(), Math::min);
                    }
                }
            }
            lines.add(new AlertLine(
                    id,
                    first.getRule(),
                    highest.name(),
                    latest.getStatus().name(),
                    first.getChainId(),
                    first.getCustodyGroup(),
                    all.stream().mapToLong(DrainAlert::getFirstBlock).min().orElse(first.getFirstBlock()),
                    all.stream().mapToLong(DrainAlert::getLastBlock).max().orElse(first.getLastBlock()),
                    paged,
                    List.copyOf(wallets),
                    walletsPaged,
                    latest.getSummary()));
        });
        lines.sort(Comparator.comparingLong(AlertLine::firstBlock).thenComparing(AlertLine::alertId));
        return List.copyOf(lines);
    }

    /** High and critical alerts page the on-call; lower ones page only through an incident. */
    static boolean pages(Severity severity) {
        return severity.compareTo(Severity.HIGH) >= 0;
    }

    private static AlertCounts counts(List<AlertLine> lines) {
        Map<String, Integer> byRule = new TreeMap<>();
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        for (int s = Severity.values().length - 1; s >= 0; s--) {
            bySeverity.put(Severity.values()[s].name(), 0);
        }
        Map<String, Integer> byGroup = new TreeMap<>();
        for (AlertLine line : lines) {
            byRule.merge(line.rule(), 1, Integer::sum);
            bySeverity.merge(line.severity(), 1, Integer::sum);
            byGroup.merge(line.custodyGroup(), 1, Integer::sum);
        }
        bySeverity.values().removeIf(n -> n == 0);
        return new AlertCounts(lines.size(), byRule, bySeverity, byGroup);
    }

    private static List<IncidentTimeline> incidentTimelines(List<DrainIncident> versions, BlockClock clock) {
        Map<String, List<DrainIncident>> byId = new LinkedHashMap<>();
        for (DrainIncident i : versions) {
            byId.computeIfAbsent(i.getIncidentId(), id -> new ArrayList<>()).add(i);
        }
        List<IncidentTimeline> timelines = new ArrayList<>();
        byId.values().forEach(all -> all.sort(Comparator.comparingInt(DrainIncident::getVersion)));
        byId.forEach((id, all) -> {
            List<IncidentEvent> events = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Severity highest = all.get(0).getSeverity();
            Long resolved = null;
            for (DrainIncident v : all) {
                long block = clock.blockAt(v.getLastEvidenceTime());
                List<String> fresh = v.getWallets().stream().filter(seen::add).toList();
                if (events.isEmpty()) {
                    events.add(new IncidentEvent(block, "OPENED", fresh));
                } else if (!fresh.isEmpty()) {
                    events.add(new IncidentEvent(block, "JOINED", fresh));
                }
                if (v.getSeverity().compareTo(highest) > 0) {
                    highest = v.getSeverity();
                }
                if (v.getStatus() == AlertStatus.RESOLVED || v.getStatus() == AlertStatus.RETRACTED) {
                    events.add(new IncidentEvent(block, v.getStatus().name(), List.of()));
                    resolved = block;
                }
            }
            DrainIncident latest = all.get(all.size() - 1);
            timelines.add(new IncidentTimeline(
                    id,
                    latest.getCustodyGroup(),
                    highest.name(),
                    latest.getStatus().name(),
                    events.get(0).block(),
                    resolved,
                    latest.getWalletsDrained(),
                    latest.getValueLostUsd(),
                    List.copyOf(events)));
        });
        timelines.sort(
                Comparator.comparingLong(IncidentTimeline::openedAtBlock).thenComparing(IncidentTimeline::incidentId));
        return List.copyOf(timelines);
    }

    private static List<PagedWallet> pagedWallets(
            List<AlertLine> lines, List<IncidentTimeline> timelines, List<DrainIncident> incidents, long chainId) {
        Map<String, PagedWallet> first = new LinkedHashMap<>();
        for (AlertLine line : lines) {
            line.walletsPagedAt()
                    .forEach((wallet, block) -> earliest(
                            first,
                            new PagedWallet(line.chainId(), wallet, line.custodyGroup(), block, line.alertId())));
        }
        Map<String, Long> incidentChain = new LinkedHashMap<>();
        for (DrainIncident i : incidents) {
            incidentChain.put(
                    i.getIncidentId(),
                    i.getChainIds().size() == 1 ? i.getChainIds().get(0) : chainId);
        }
        for (IncidentTimeline t : timelines) {
            long chain = incidentChain.getOrDefault(t.incidentId(), chainId);
            for (IncidentEvent e : t.events()) {
                for (String wallet : e.wallets()) {
                    earliest(first, new PagedWallet(chain, wallet, t.custodyGroup(), e.block(), t.incidentId()));
                }
            }
        }
        List<PagedWallet> paged = new ArrayList<>(first.values());
        paged.sort(Comparator.comparingLong(PagedWallet::block).thenComparing(PagedWallet::address));
        return List.copyOf(paged);
    }

    private static void earliest(Map<String, PagedWallet> first, PagedWallet candidate) {
        first.merge(candidate.key(), candidate, (a, b) -> b.block() < a.block() ? b : a);
    }

    private static TruthFigures truthFigures(List<PagedWallet> paged, List<Victim> victims) {
        Map<String, PagedWallet> byKey = new LinkedHashMap<>();
        paged.forEach(p -> byKey.put(p.key(), p));
        Set<String> victimKeys = new HashSet<>();
        List<VictimOutcome> outcomes = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        int hit = 0;
        for (Victim v : victims) {
            victimKeys.add(v.key());
            PagedWallet p = byKey.get(v.key());
            Long delay = null;
            if (p != null) {
                hit++;
                if (v.firstBlock() != null) {
                    delay = p.block() - v.firstBlock();
                    delays.add(delay);
                }
            }
            outcomes.add(
                    new VictimOutcome(v.chainId(), v.address(), v.firstBlock(), p == null ? null : p.block(), delay));
        }
        List<PagedWallet> falsePages =
                paged.stream().filter(p -> !victimKeys.contains(p.key())).toList();
        delays.sort(null);
        return new TruthFigures(
                victims.size(),
                hit,
                victims.isEmpty() ? null : (double) hit / victims.size(),
                delays.isEmpty() ? null : delays.get((delays.size() - 1) / 2),
                delays.isEmpty() ? null : delays.get(delays.size() - 1),
                List.copyOf(outcomes),
                falsePages);
    }
}
