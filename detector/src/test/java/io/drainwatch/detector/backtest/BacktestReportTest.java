package io.drainwatch.detector.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.backtest.BacktestReport.IncidentEvent;
import io.drainwatch.detector.backtest.BacktestReport.PagedWallet;
import io.drainwatch.detector.backtest.BacktestReport.TruthFigures;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's figures on hand-made alerts, incidents and victims. */
class BacktestReportTest {
    private static final long CHAIN = 1;
    private static final Instant GENESIS = Instant.parse("2026-06-04T10:00:00Z");
    private static final String W1 = wallet(1);
    private static final String W2 = wallet(2);
    private static final String W3 = wallet(3);
    private static final String W4 = wallet(4);
    private static final String W5 = wallet(5);
    private static final String W6 = wallet(6);
    private static final String W7 = wallet(7);

    private static final BacktestReport.Run RUN =
            BacktestReport.Run.of(CHAIN, 100, 120, List.of("cold", "retail", "treasury"), "http://node:8545", "now", 1);

    /** Blocks 100..120, 12 s apart. */
    private static final BlockClock CLOCK = BlockClock.of(heads(100, 120), 120);

    private static final List<DrainAlert> ALERTS = List.of(
            alert("a1", "balance-drain", Severity.HIGH, AlertStatus.FIRING, 1, 105, 105, "retail", W1),
            alert("a2", "new-destination", Severity.LOW, AlertStatus.FIRING, 1, 106, 106, "retail", W2),
            alert("a3", "coordinated-sweep", Severity.CRITICAL, AlertStatus.FIRING, 1, 110, 110, "retail", W1, W3),
            alert("a4", "balance-drain", Severity.LOW, AlertStatus.FIRING, 1, 107, 107, "treasury", W4),
            // raised to high by a later version: pages at that version's newest evidence
            alert("a4", "balance-drain", Severity.HIGH, AlertStatus.UPDATED, 2, 107, 112, "treasury", W4));

    private static final List<DrainIncident> INCIDENTS = List.of(
            incident("inc-retail-1", AlertStatus.FIRING, 1, 108, W5, W1),
            incident("inc-retail-1", AlertStatus.UPDATED, 2, 111, W5, W1, W6),
            incident("inc-retail-1", AlertStatus.RESOLVED, 3, 111, W5, W1, W6));

    private static final List<Victim> TRUTH = List.of(
            new Victim(CHAIN, W1, 104L),
            new Victim(CHAIN, W3, 109L),
            new Victim(CHAIN, W5, 100L),
            new Victim(CHAIN, W7, 100L));

    @Test
    void recallDelayAndFalsePagesFollowFromTheFirstPageOfEachWallet() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, TRUTH);

        assertThat(report.pagedWallets())
                .extracting(PagedWallet::address, PagedWallet::block, PagedWallet::by)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(W1, 105L, "a1"),
                        org.assertj.core.groups.Tuple.tuple(W5, 108L, "inc-retail-1"),
                        org.assertj.core.groups.Tuple.tuple(W3, 110L, "a3"),
                        org.assertj.core.groups.Tuple.tuple(W6, 111L, "inc-retail-1"),
                        org.assertj.core.groups.Tuple.tuple(W4, 112L, "a4"));
        TruthFigures truth = report.truth();
        assertThat(truth).isNotNull();
        assertThat(truth.victims()).isEqualTo(4);
        assertThat(truth.victimsPaged()).isEqualTo(3);
        assertThat(truth.recall()).isEqualTo(0.75);
        assertThat(truth.outcomes())
                .extracting(BacktestReport.VictimOutcome::address, BacktestReport.VictimOutcome::delayBlocks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(W1, 1L),
                        org.assertj.core.groups.Tuple.tuple(W3, 1L),
                        org.assertj.core.groups.Tuple.tuple(W5, 8L),
                        org.assertj.core.groups.Tuple.tuple(W7, null));
        assertThat(truth.medianDelayBlocks()).isEqualTo(1L);
        assertThat(truth.maxDelayBlocks()).isEqualTo(8L);
        assertThat(truth.falsePages()).extracting(PagedWallet::address).containsExactly(W6, W4);
    }

    @Test
    void aWalletJoiningASweepAlertIsPagedWhenItJoinsNotWhenTheAlertFirstFired() {
        List<DrainAlert> sweep = List.of(
                alert("s", "coordinated-sweep", Severity.CRITICAL, AlertStatus.FIRING, 1, 105, 105, "retail", W1),
                alert("s", "coordinated-sweep", Severity.CRITICAL, AlertStatus.UPDATED, 2, 105, 107, "retail", W1, W2),
                alert(
                        "s",
                        "coordinated-sweep",
                        Severity.CRITICAL,
                        AlertStatus.UPDATED,
                        3,
                        105,
                        109,
                        "retail",
                        W1,
                        W2,
                        W3));

        BacktestReport report = BacktestReport.of(RUN, sweep, List.of(), CLOCK, null);

        assertThat(report.pagedWallets())
                .extracting(PagedWallet::address, PagedWallet::block)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(W1, 105L),
                        org.assertj.core.groups.Tuple.tuple(W2, 107L),
                        org.assertj.core.groups.Tuple.tuple(W3, 109L));
        assertThat(report.alertList().get(0).pagedAtBlock()).isEqualTo(105L);
    }

    @Test
    void aRetractedVersionPagesNobody() {
        List<DrainAlert> retracted = List.of(
                alert("r", "balance-drain", Severity.LOW, AlertStatus.FIRING, 1, 105, 105, "retail", W1),
                alert("r", "balance-drain", Severity.HIGH, AlertStatus.RETRACTED, 2, 105, 105, "retail", W1));

        assertThat(BacktestReport.of(RUN, retracted, List.of(), CLOCK, null).pagedWallets())
                .isEmpty();
    }

    @Test
    void alertsAreCountedOncePerIdAtTheHighestSeverityTheyReached() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, null);

        assertThat(report.alerts().total()).isEqualTo(4);
        assertThat(report.alerts().byRule())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("balance-drain", 2, "coordinated-sweep", 1, "new-destination", 1));
        assertThat(report.alerts().bySeverity())
                .containsExactly(Map.entry("CRITICAL", 1), Map.entry("HIGH", 2), Map.entry("LOW", 1));
        assertThat(report.alerts().byGroup()).containsExactly(Map.entry("retail", 3), Map.entry("treasury", 1));
        assertThat(report.truth()).isNull();
    }

    @Test
    void anIncidentTimelineHasItsOpeningBlockTheWalletsJoiningAndItsResolution() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, null);

        assertThat(report.incidents()).hasSize(1);
        BacktestReport.IncidentTimeline incident = report.incidents().get(0);
        assertThat(incident.openedAtBlock()).isEqualTo(108);
        assertThat(incident.resolvedAfterBlock()).isEqualTo(111);
        assertThat(incident.events())
                .containsExactly(
                        new IncidentEvent(108, "OPENED", List.of(W5, W1)),
                        new IncidentEvent(111, "JOINED", List.of(W6)),
                        new IncidentEvent(111, "RESOLVED", List.of()));
    }

    @Test
    void withoutVictimsRecallIsUndefinedAndEveryPageIsFalse() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, List.of());

        assertThat(report.truth().recall()).isNull();
        assertThat(report.truth().medianDelayBlocks()).isNull();
        assertThat(report.truth().falsePages()).hasSize(report.pagedWallets().size());
    }

    @Test
    void aVictimPagedBeforeItsFirstOutflowHasANegativeDelay() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, List.of(), CLOCK, List.of(new Victim(CHAIN, W1, 107L)));

        assertThat(report.truth().outcomes().get(0).delayBlocks()).isEqualTo(-2L);
    }

    @Test
    void blocksSharingATimestampMapToTheEarliest() {
        List<BlockHead> heads = new ArrayList<>(heads(1, 3));
        heads.add(head(4, GENESIS.plusSeconds(3 * 12)));
        BlockClock clock = BlockClock.of(heads, 4);

        assertThat(clock.blockAt(GENESIS.plusSeconds(3 * 12))).isEqualTo(3);
        assertThat(clock.blockAt(GENESIS.plusSeconds(2 * 12))).isEqualTo(2);
        assertThat(clock.blockAt(GENESIS.plusSeconds(99 * 12)))
                .as("past the range")
                .isEqualTo(4);
    }

    @Test
    void theJsonCarriesTheSameFigures() {
        BacktestReport report = BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, TRUTH);

        assertThat(ReportJson.parse(ReportJson.render(report))).isEqualTo(report);
        assertThat(ReportJson.render(report)).contains("\"recall\" : 0.75");
    }

    @Test
    void thePageIsSelfContainedWithOneMarkPerAlertInItsGroupsChart() {
        String html = ReportHtml.render(BacktestReport.of(RUN, ALERTS, INCIDENTS, CLOCK, TRUTH));

        assertThat(html).doesNotContain("<script", "<link", "src=", "@import", "url(");
        assertThat(html.replace("http://www.w3.org/2000/svg", "").replace("http://node:8545", ""))
                .doesNotContain("http:", "https:");
        assertThat(marks(html, "retail")).isEqualTo(3);
        assertThat(marks(html, "treasury")).isEqualTo(1);
        assertThat(marks(html, "cold"))
                .as("a watched group with nothing to report still has its chart")
                .isZero();
        assertThat(html).contains("id=\"recall\">75.0%<");
    }

    @Test
    void theTruthFileTakesAnOptionalFirstBlockAndRejectsABadOne(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("truth.csv");
        Files.writeString(good, "chain_id,address,first_block\n1," + W1 + ",104\n1," + W3 + ",\n");
        assertThat(ReferenceFiles.truth(good)).containsExactly(new Victim(1, W1, 104L), new Victim(1, W3, null));

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "chain_id,address,first_block\n1," + W1 + ",soon\n");
        assertThatThrownBy(() -> ReferenceFiles.truth(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--truth: 1 row(s) cannot be used, first " + bad + ":2: first_block");
    }

    @Test
    void progressSaysBlocksRateAndTimeLeft() {
        assertThat(ProgressMeter.line(250, 1000, 5_000_000_000L))
                .isEqualTo("backtest: blocks 250/1,000 (25.0%)  50.0 blocks/s  about 15s left");
        assertThat(ProgressMeter.line(1000, 1000, 10_000_000_000L)).endsWith("100.0 blocks/s  done");
    }

    @Test
    void onATerminalProgressRewritesOneLineInPlace() {
        java.io.StringWriter text = new java.io.StringWriter();
        long[] now = {0};
        ProgressMeter meter = new ProgressMeter(
                new java.io.PrintWriter(text), true, 100, java.time.Duration.ofSeconds(10), () -> now[0]);
        now[0] = 1_000_000_000L;
        meter.update(10);
        now[0] = 2_000_000_000L;
        meter.update(40);
        meter.finish(100);

        assertThat(text.toString())
                .startsWith("\rbacktest: blocks 10/100 (10.0%)  10.0 blocks/s  about 9s left")
                .contains("\rbacktest: blocks 40/100 (40.0%)  20.0 blocks/s  about 3s left")
                .contains("\rbacktest: blocks 100/100 (100.0%)  50.0 blocks/s  done")
                .endsWith(System.lineSeparator());
        assertThat(text.toString().chars().filter(c -> c == '\n').count())
                .as("one line, rewritten in place")
                .isEqualTo(1);
    }

    @Test
    void offATerminalProgressPrintsAPlainLineEveryInterval() {
        java.io.StringWriter text = new java.io.StringWriter();
        long[] now = {0};
        ProgressMeter meter = new ProgressMeter(
                new java.io.PrintWriter(text), false, 100, java.time.Duration.ofSeconds(10), () -> now[0]);
        now[0] = 5_000_000_000L;
        meter.update(10);
        now[0] = 10_000_000_000L;
        meter.update(20);
        now[0] = 15_000_000_000L;
        meter.update(30);

        assertThat(text.toString().lines().toList())
                .containsExactly("backtest: blocks 20/100 (20.0%)  2.0 blocks/s  about 40s left");
    }

    static int marks(String html, String group) {
        Matcher svg = Pattern.compile("<svg[^>]*data-group=\"" + Pattern.quote(group) + "\".*?</svg>", Pattern.DOTALL)
                .matcher(html);
        assertThat(svg.find()).as("chart of group %s", group).isTrue();
        Matcher mark = Pattern.compile("<circle class=\"alert-mark").matcher(svg.group());
        int n = 0;
        while (mark.find()) {
            n++;
        }
        return n;
    }

    private static String wallet(int i) {
        return String.format("0x%040x", 0xa000 + i);
    }

    private static List<BlockHead> heads(long from, long to) {
        List<BlockHead> heads = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            heads.add(head(n, GENESIS.plusSeconds((n - from + 1) * 12)));
        }
        return heads;
    }

    private static BlockHead head(long number, Instant time) {
        return BlockHead.newBuilder()
                .setChainId(CHAIN)
                .setNumber(number)
                .setHash(String.format("0x%064x", number))
                .setParentHash(String.format("0x%064x", number - 1))
                .setTime(time)
                .build();
    }

    private static Instant timeOf(long block) {
        return GENESIS.plusSeconds((block - 100 + 1) * 12);
    }

    private static DrainAlert alert(
            String id,
            String rule,
            Severity severity,
            AlertStatus status,
            int version,
            long firstBlock,
            long lastBlock,
            String group,
            String... wallets) {
        return DrainAlert.newBuilder()
                .setAlertId(id)
                .setRule(rule)
                .setSeverity(severity)
                .setStatus(status)
                .setVersion(version)
                .setChainId(CHAIN)
                .setCustodyGroup(group)
                .setSubject(wallets[0])
                .setWallets(List.of(wallets))
                .setTxHashes(List.of())
                .setFirstBlock(firstBlock)
                .setLastBlock(lastBlock)
                .setFirstEvidenceTime(timeOf(firstBlock))
                .setLastEvidenceTime(timeOf(lastBlock))
                .setDetectedAt(Instant.now())
                .setSummary(rule + " on " + wallets[0])
                .setDescription("")
                .build();
    }

    private static DrainIncident incident(String id, AlertStatus status, int version, long block, String... wallets) {
        return DrainIncident.newBuilder()
                .setIncidentId(id)
                .setCustodyGroup("retail")
                .setStatus(status)
                .setSeverity(Severity.CRITICAL)
                .setVersion(version)
                .setChainIds(List.of(CHAIN))
                .setOpenedAt(Instant.now())
                .setUpdatedAt(Instant.now())
                .setFirstEvidenceTime(timeOf(100))
                .setLastEvidenceTime(timeOf(block))
                .setWalletsDrained(wallets.length)
                .setWallets(List.of(wallets))
                .setValueLostUsd(1000.0 * wallets.length)
                .setDestinations(List.of())
                .setAlertIds(List.of())
                .setSummary("")
                .setDescription("")
                .build();
    }
}
