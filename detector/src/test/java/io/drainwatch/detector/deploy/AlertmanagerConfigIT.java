package io.drainwatch.detector.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.opstest.Alertmanager;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.opstest.WebhookReceiver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** deploy/alertmanager: amtool accepts it, routes send each alert where on-call expects it, inhibition holds. */
class AlertmanagerConfigIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir = Repo.path("deploy/alertmanager");

    @Test
    void amtoolAcceptsTheConfiguration() {
        Tool.Result result = Tool.run(dir, "amtool", "check-config", "alertmanager.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").contains("2 receivers");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "alertname=DrainwatchIncident severity=critical custody_group=retail-eu incident_id=inc-1 chain=1 | pager",
                "alertname=DrainwatchIncident severity=high custody_group=retail-eu incident_id=inc-2 chain=1     | chat",
                "alertname=DrainwatchAlert rule=coordinated-sweep severity=critical custody_group=retail-eu alert_id=a1 | pager",
                "alertname=DrainwatchAlert rule=velocity severity=medium custody_group=retail-eu alert_id=a2       | chat",
                "alertname=DrainwatchIncidentsOpen severity=critical job=drainwatch-detect                         | pager",
                "alertname=DrainwatchRoleDown severity=critical role=detect                                        | pager",
                "alertname=DrainwatchNoBlocksIngested severity=critical chain=1                                    | pager",
                "alertname=DrainwatchRelayNotDelivering severity=critical job=drainwatch-relay                     | pager",
                "alertname=DrainwatchInputLagHigh severity=warning job=drainwatch-detect                           | chat",
                "alertname=DrainwatchConsumerLagHigh severity=critical job=drainwatch-detect                       | pager",
                "alertname=DrainwatchDeadLettersRising severity=warning job=drainwatch-detect reason=deserialization | chat",
            })
    void routesEachAlertToItsReceiver(String labels, String receiver) {
        List<String> args = new ArrayList<>(List.of(
                "config",
                "routes",
                "test",
                "--config.file=alertmanager.yml",
                "--verify.receivers=" + receiver.strip()));
        args.addAll(List.of(labels.strip().split("\\s+")));

        Tool.Result result = Tool.run(dir, "amtool", args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().lines().filter(l -> !l.startsWith("Warning")).toList())
                .containsExactly(receiver.strip());
    }

    @Test
    void incidentPagesOnceGroupedByIncidentAndInhibitsItsMemberAlertsAndTheBackupPage(@TempDir Path work)
            throws Exception {
        try (WebhookReceiver webhook = new WebhookReceiver();
                ExternalProcess am = Alertmanager.start(dir.resolve("alertmanager.yml"), webhook, work)) {
            Instant now = Instant.now();
            post(
                    am,
                    List.of(
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchIncident",
                                            "severity",
                                            "critical",
                                            "custody_group",
                                            "retail-eu",
                                            "incident_id",
                                            "inc-1",
                                            "chain",
                                            "1"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchAlert",
                                            "rule",
                                            "coordinated-sweep",
                                            "severity",
                                            "critical",
                                            "custody_group",
                                            "retail-eu",
                                            "chain",
                                            "1",
                                            "alert_id",
                                            "sweep-1"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchIncidentsOpen",
                                            "severity",
                                            "critical",
                                            "job",
                                            "drainwatch-detect"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchAlert",
                                            "rule",
                                            "delegation",
                                            "severity",
                                            "critical",
                                            "custody_group",
                                            "treasury",
                                            "chain",
                                            "1",
                                            "alert_id",
                                            "deleg-1"),
                                    now)));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(webhook.to("/pager", "DrainwatchIncident"))
                        .singleElement()
                        .satisfies(n -> {
                            assertThat(n.groupLabel("incident_id")).isEqualTo("inc-1");
                            assertThat(n.alerts()).hasSize(1);
                        });
                assertThat(inhibitedBy(am, "sweep-1")).isNotEmpty();
                assertThat(inhibitedBy(am, "DrainwatchIncidentsOpen")).isNotEmpty();
                // Another custody group's alert is not part of this incident: it pages on its own.
                assertThat(webhook.to("/pager", "DrainwatchAlert"))
                        .singleElement()
                        .satisfies(n -> assertThat(
                                        n.alerts().get(0).at("/labels/alert_id").asText())
                                .isEqualTo("deleg-1"));
            });
        }
    }

    @Test
    void aNonCriticalIncidentHoldsBackNeitherTheBackupPageNorACriticalAlertOfItsGroup(@TempDir Path work)
            throws Exception {
        try (WebhookReceiver webhook = new WebhookReceiver();
                ExternalProcess am = Alertmanager.start(dir.resolve("alertmanager.yml"), webhook, work)) {
            Instant now = Instant.now();
            post(
                    am,
                    List.of(
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchIncident",
                                            "severity",
                                            "high",
                                            "custody_group",
                                            "retail-eu",
                                            "incident_id",
                                            "inc-2",
                                            "chain",
                                            "1"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchAlert",
                                            "rule",
                                            "delegation",
                                            "severity",
                                            "critical",
                                            "custody_group",
                                            "retail-eu",
                                            "chain",
                                            "1",
                                            "alert_id",
                                            "deleg-2"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchAlert",
                                            "rule",
                                            "unknown-approval",
                                            "severity",
                                            "high",
                                            "custody_group",
                                            "retail-eu",
                                            "chain",
                                            "1",
                                            "alert_id",
                                            "approval-2"),
                                    now),
                            alert(
                                    Map.of(
                                            "alertname",
                                            "DrainwatchIncidentsOpen",
                                            "severity",
                                            "critical",
                                            "job",
                                            "drainwatch-detect"),
                                    now)));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(webhook.to("/pager", "DrainwatchIncidentsOpen")).isNotEmpty();
                assertThat(webhook.to("/pager", "DrainwatchAlert"))
                        .flatExtracting(WebhookReceiver.Notification::alerts)
                        .extracting(a -> a.at("/labels/alert_id").asText())
                        .containsExactly("deleg-2");
                // A member alert no more severe than its incident is still part of it.
                assertThat(inhibitedBy(am, "approval-2")).isNotEmpty();
            });
            assertThat(inhibitedBy(am, "deleg-2")).isEmpty();
            assertThat(inhibitedBy(am, "DrainwatchIncidentsOpen")).isEmpty();
        }
    }

    @Test
    void aChainWithNoNewBlockIsOnePageNotAlsoBehindTheHead(@TempDir Path work) throws Exception {
        try (WebhookReceiver webhook = new WebhookReceiver();
                ExternalProcess am = Alertmanager.start(dir.resolve("alertmanager.yml"), webhook, work)) {
            Instant now = Instant.now();
            Map<String, String> ingest = Map.of("severity", "critical", "job", "drainwatch-ingest");
            post(
                    am,
                    List.of(
                            alert(with(ingest, "alertname", "DrainwatchNoBlocksIngested", "chain", "1"), now),
                            alert(with(ingest, "alertname", "DrainwatchIngestBehindHead", "chain", "1"), now),
                            alert(with(ingest, "alertname", "DrainwatchIngestBehindHead", "chain", "137"), now)));

            // the blind-pipeline route waits 30s to group
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(webhook.to("/pager", "DrainwatchNoBlocksIngested")).isNotEmpty();
                assertThat(webhook.to("/pager", "DrainwatchIngestBehindHead").stream()
                                .flatMap(n -> n.alerts().stream())
                                .filter(a -> a.at("/labels/alertname").asText().equals("DrainwatchIngestBehindHead"))
                                .map(a -> a.at("/labels/chain").asText()))
                        .containsOnly("137");
                assertThat(inhibitedWhere(am, "alertname=\"DrainwatchIngestBehindHead\"", "chain=\"1\""))
                        .isNotEmpty();
            });
            assertThat(inhibitedWhere(am, "alertname=\"DrainwatchIngestBehindHead\"", "chain=\"137\""))
                    .as("another chain's lag is its own page")
                    .isEmpty();
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String... more) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    private static Map<String, Object> alert(Map<String, String> labels, Instant start) {
        return Map.of(
                "labels",
                labels,
                "annotations",
                Map.of("summary", "test"),
                "startsAt",
                start.toString(),
                "endsAt",
                start.plusSeconds(300).toString());
    }

    private static void post(ExternalProcess am, List<Map<String, Object>> alerts) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(am.url() + "/api/v2/alerts"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(alerts)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** The fingerprints inhibiting the alert whose alert_id or alertname is {@code id}. */
    private static List<String> inhibitedBy(ExternalProcess am, String id) throws Exception {
        return inhibitedWhere(am, id.startsWith("Drainwatch") ? "alertname=\"" + id + "\"" : "alert_id=\"" + id + "\"");
    }

    /** The fingerprints inhibiting the alerts that match every one of {@code filters}. */
    private static List<String> inhibitedWhere(ExternalProcess am, String... filters) throws Exception {
        StringBuilder query = new StringBuilder();
        for (String filter : filters) {
            query.append(query.isEmpty() ? "?" : "&")
                    .append("filter=")
                    .append(URLEncoder.encode(filter, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(am.url() + "/api/v2/alerts" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        List<String> by = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(response.body())) {
            alert.at("/status/inhibitedBy").forEach(f -> by.add(f.asText()));
        }
        return by;
    }
}
