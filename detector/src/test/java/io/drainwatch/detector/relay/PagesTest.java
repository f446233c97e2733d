package io.drainwatch.detector.relay;

import static io.drainwatch.detector.relay.Records.ATTACKER;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PagesTest {
    private final Pages pages = new Pages(Records.config("http://am:9093"));

    @Test
    void incidentPageCarriesBoundedLabelsAndWhatOnCallNeeds() {
        Page page = pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));

        assertThat(page.labels())
                .containsExactly(
                        java.util.Map.entry("alertname", "DrainwatchIncident"),
                        java.util.Map.entry("chain", "1"),
                        java.util.Map.entry("custody_group", "retail-eu"),
                        java.util.Map.entry("incident_id", "inc-1"),
                        java.util.Map.entry("severity", "critical"));
        assertThat(page.annotations())
                .containsEntry("summary", "12 wallets of retail-eu drained to 1 address")
                .containsEntry("wallets_drained", "12")
                .containsEntry("value_lost_usd", "$48,250.50")
                .containsEntry("value_at_risk_usd", "$1,200,000.00")
                .containsEntry("destinations", ATTACKER + " (12 wallets, $48,250.50)")
                .containsEntry("explorer_links", "https://etherscan.io/address/" + ATTACKER)
                .containsEntry("rules", "balance-drain=12, coordinated-sweep=1")
                .containsEntry("runbook_url", "https://runbooks.example/drainwatch/drain-incident.md")
                .containsEntry("dashboard_url", "https://grafana.example/d/drainwatch-fleet");
        assertThat(page.firing()).isTrue();
        assertThat(page.startsAt()).isEqualTo(Records.OPENED);
    }

    @Test
    void resolvedIncidentEndsWhenItWasResolved() {
        Page page = pages.incident(Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 3));

        assertThat(page.firing()).isFalse();
        PostableAlert posted = page.toPostable(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(posted.endsAt()).isEqualTo(Records.OPENED.plusSeconds(180));
    }

    @Test
    void firingPageIsHeldOpenUntilTheGivenTime() {
        Page page = pages.incident(Records.incident("inc-1", AlertStatus.UPDATED, Severity.HIGH, 2));
        Instant hold = Records.OPENED.plusSeconds(240);

        assertThat(page.toPostable(hold).json())
                .containsEntry("startsAt", "2026-11-25T03:00:00Z")
                .containsEntry("endsAt", "2026-11-25T03:04:00Z")
                .containsEntry("generatorURL", "https://grafana.example/d/drainwatch-fleet");
    }

    @Test
    void alertPageIsIdentifiedByItsAlertIdAndLinksItsTransactions() {
        Page page = pages.alert(Records.alert("sweep-1", AlertStatus.FIRING, Severity.CRITICAL));

        assertThat(page.labels())
                .containsEntry("alertname", "DrainwatchAlert")
                .containsEntry("rule", "coordinated-sweep")
                .containsEntry("severity", "critical")
                .containsEntry("custody_group", "retail-eu")
                .containsEntry("chain", "1")
                .containsEntry("alert_id", "sweep-1")
                .hasSize(6);
        assertThat(page.annotations())
                .containsEntry("explorer_links", "https://etherscan.io/tx/0x" + "aa".repeat(32))
                .containsEntry("wallets_drained", "3")
                .containsEntry("value_usd", "$9,000.00")
                .containsEntry("runbook_url", "https://runbooks.example/drainwatch/drain-alert.md");
    }

    @Test
    void retractedAlertEnds() {
        assertThat(pages.alert(Records.alert("sweep-1", AlertStatus.RETRACTED, Severity.CRITICAL))
                        .firing())
                .isFalse();
    }
}
