package io.drainwatch.detector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import io.drainwatch.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoReportTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private final GroundTruth truth = Scenario.generate(ScenarioParameters.defaults()
                    .withSwept(20)
                    .withWallets(400)
                    .withAttacks(java.util.EnumSet.of(Attack.SWEEP)))
            .truth();

    private static DrainAlert alert(String id, String rule, Severity severity, String wallet, String destination) {
        return DrainAlert.newBuilder()
                .setAlertId(id)
                .setRule(rule)
                .setSeverity(severity)
                .setStatus(AlertStatus.FIRING)
                .setVersion(1)
                .setChainId(31337)
                .setCustodyGroup("retail")
                .setSubject(wallet)
                .setWallets(List.of(wallet))
                .setDestination(destination)
                .setTxHashes(List.of())
                .setFirstBlock(1)
                .setLastBlock(1)
                .setFirstEvidenceTime(T0)
                .setLastEvidenceTime(T0)
                .setDetectedAt(T0)
                .setSummary("s " + id)
                .setDescription("d")
                .build();
    }

    private static DrainIncident incident(AlertStatus status, int wallets, Instant openedAt) {
        return DrainIncident.newBuilder()
                .setIncidentId("inc-retail-1")
                .setCustodyGroup("pro")
                .setStatus(status)
                .setSeverity(Severity.CRITICAL)
                .setVersion(1)
                .setChainIds(List.of(31337L))
                .setOpenedAt(openedAt)
                .setUpdatedAt(openedAt)
                .setFirstEvidenceTime(T0)
                .setLastEvidenceTime(T0)
                .setWalletsDrained(wallets)
                .setWallets(List.of())
                .setValueLostUsd(2_512_300)
                .setValueAtRiskUsd(4_100_000.0)
                .setDestinations(
                        List.of(new IncidentDestination("0xab12000000000000000000000000000000cd34", 20, 1000.0)))
                .setAlertIds(List.of())
                .setSummary("s")
                .setDescription("d")
                .build();
    }

    @Test
    void countsMissedWalletsFalseAlertsAndTheTimeFromTheFirstSweepToTheIncident() {
        List<DrainAlert> alerts = new ArrayList<>();
        for (GroundTruth.SweptWallet s : truth.swept().subList(1, truth.swept().size())) {
            alerts.add(alert("a-" + s.address(), "balance-drain", Severity.HIGH, s.address(), s.destination()));
        }
        String benign = truth.benign().iterator().next();
        alerts.add(alert("low-benign", "new-destination", Severity.LOW, benign, "0x1"));
        alerts.add(alert("high-benign", "balance-drain", Severity.HIGH, benign, "0x2"));
        alerts.add(alert(
                "sanction",
                "denylisted-counterparty",
                Severity.CRITICAL,
                truth.sanctioned().wallet(),
                truth.sanctioned().destination()));
        List<DrainIncident> incidents = List.of(
                incident(AlertStatus.FIRING, 5, T0.plusMillis(2400)),
                incident(AlertStatus.UPDATED, 19, T0.plusSeconds(9)));

        DemoReport report = DemoReport.of(truth, alerts, incidents, Optional.of(T0));

        assertThat(report.missed()).containsExactly(truth.swept().get(0).address());
        assertThat(report.falseAlerts()).extracting(DrainAlert::getAlertId).containsExactly("high-benign");
        assertThat(report.timeToIncident()).contains(Duration.ofMillis(2400));
        assertThat(report.incidentOpening())
                .get()
                .extracting(DrainIncident::getWalletsDrained)
                .isEqualTo(5);
        assertThat(report.sanctionedAlert())
                .get()
                .extracting(DrainAlert::getSeverity)
                .isEqualTo(Severity.CRITICAL);
        assertThat(report.passed()).isFalse();
        assertThat(String.join("\n", report.lines()))
                .contains(
                        "wallets swept        20",
                        "wallets alerted      19  MISSED 1",
                        "  sweep        20 victims in pro        19 of 20 paged  first page (block times unknown)  look-alikes paged 0",
                        "paged by [balance-drain] and incident inc-retail-1",
                        "2.4s after the first sweep, with 5 wallets drained",
                        "false alerts         1 high/critical",
                        "CRITICAL denylisted-counterparty",
                        "FAILED");
    }

    @Test
    void firstAlertLatencyIsPerSweptWalletWhicheverRuleSawItFirst() {
        GroundTruth.SweptWallet first = truth.swept().get(0);
        GroundTruth.SweptWallet second = truth.swept().get(1);
        List<DrainAlert> alerts = List.of(
                detected(alert("d1", "balance-drain", Severity.HIGH, first.address(), first.destination()), 300),
                detected(
                        alert("u1", "unauthorized-outflow", Severity.CRITICAL, first.address(), first.destination()),
                        3400),
                detected(
                        alert("u2", "unauthorized-outflow", Severity.CRITICAL, second.address(), second.destination()),
                        3500),
                detected(
                        alert(
                                "b",
                                "balance-drain",
                                Severity.HIGH,
                                truth.benign().iterator().next(),
                                "0x2"),
                        9000));

        DemoReport report = DemoReport.of(truth, alerts, List.of(), Optional.of(T0));

        assertThat(report.firstAlertLatencies())
                .as("one per swept wallet alerted: the earliest of its alerts")
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(3500));
        assertThat(report.detectionLatencies()).hasSize(4);
        assertThat(String.join("\n", report.lines()))
                .contains(
                        "sweep block to the wallet's first alert: median 300ms, 95% 3.5s, max 3.5s over 2 swept wallets")
                .contains("block to alert, every alert: median 3.4s");
    }

    private static DrainAlert detected(DrainAlert a, long millisAfterBlock) {
        return DrainAlert.newBuilder(a)
                .setDetectedAt(T0.plusMillis(millisAfterBlock))
                .build();
    }

    @Test
    void anIncidentReadsAtAGlance() {
        assertThat(Display.incident(incident(AlertStatus.FIRING, 37, T0)))
                .contains(
                        "INCIDENT inc-retail-1 FIRING",
                        "37 wallets drained",
                        "$2.5M lost",
                        "$4.1M still at risk",
                        "-> 1 destination (0xab12..cd34 20 wallets)");
        assertThat(Display.usd(512_300)).isEqualTo("$512,300");
    }
}
