package io.drainwatch.detector.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.deploy.Dashboards;
import io.drainwatch.detector.deploy.DeployPaths;
import io.drainwatch.detector.opstest.Alertmanager;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.opstest.Prometheus;
import io.drainwatch.detector.opstest.PromqlNames;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations end to end, every piece a real process: {@code drainwatch demo} (embedded broker, the
 * built-in attack, the detector and its /metrics), {@code drainwatch relay}, Prometheus with
 * deploy/prometheus/rules scraping both, Alertmanager with deploy/alertmanager/alertmanager.yml, and a
 * webhook standing in for the pager and chat bridges.
 *
 * <p>Shown: the relay's incident page reaches the pager, grouped by incident, with the incident's labels
 * and annotations; the rules fire and reach Alertmanager (the backup page held back by the incident
 * page; the ingest role, killed once its panels answered, paged as down); every PromQL expression of the
 * rules and dashboards runs without error and every dashboard panel answers with data; when the attack
 * stops the incident resolves and the resolved notification arrives.
 */
class OperationsEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void demoAttackPagesOnceRulesFireDashboardsAnswerAndTheResolutionArrives() throws Exception {
        Path jar = DeployPaths.root().resolve("detector/target/drainwatch.jar");
        assertThat(jar)
                .as("the packaged program (mvn verify packages it before the integration tests)")
                .isRegularFile();
        int kafkaPort = ExternalProcess.freePort();
        int detectPort = ExternalProcess.freePort();
        int relayPort = ExternalProcess.freePort();
        int ingestPort = ExternalProcess.freePort();
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("drainwatch-detect", "127.0.0.1:" + detectPort);
        jobs.put("drainwatch-relay", "127.0.0.1:" + relayPort);
        jobs.put("drainwatch-ingest", "127.0.0.1:" + ingestPort);

        try (WebhookReceiver webhook = new WebhookReceiver();
                ExternalProcess alertmanager = Alertmanager.start(DeployPaths.alertmanagerConfig(), webhook, work);
                ExternalProcess prometheus = Prometheus.start(jobs, DeployPaths.prometheusRules(), alertmanager, work);
                ExternalProcess demo = ExternalProcess.drainwatch(
                        "demo",
                        work,
                        jar,
                        detectPort,
                        "demo",
                        "--metrics-port",
                        String.valueOf(detectPort),
                        "--kafka-port",
                        String.valueOf(kafkaPort),
                        "--keep-running");
                ExternalProcess relay = ExternalProcess.drainwatch(
                        "relay",
                        work,
                        jar,
                        relayPort,
                        "relay",
                        "--bootstrap-servers",
                        "127.0.0.1:" + kafkaPort,
                        "--alertmanager-url",
                        alertmanager.url(),
                        "--metrics-host",
                        "127.0.0.1",
                        "--metrics-port",
                        String.valueOf(relayPort),
                        "--repost-interval",
                        "5s",
                        "--max-backoff",
                        "2s",
                        "--dashboard-url",
                        "https://grafana.example.com/d/drainwatch-fleet");
                // A real chain node mining a block a second, ingested into the demo's broker: the ingestion
                // panels and rules get real series.
                AnvilNode anvil = AnvilNode.start("--block-time", "1");
                ExternalProcess ingest = ExternalProcess.drainwatch(
                        "ingest",
                        work,
                        jar,
                        ingestPort,
                        "ingest",
                        "--rpc-url",
                        anvil.httpUrl().uri().toString(),
                        "--ws-url",
                        anvil.wsUrl().uri().toString(),
                        "--chain-id",
                        Long.toString(AnvilNode.CHAIN_ID),
                        "--bootstrap-servers",
                        "127.0.0.1:" + kafkaPort,
                        "--metrics-host",
                        "127.0.0.1",
                        "--metrics-port",
                        String.valueOf(ingestPort))) {
            Instant started = Instant.now();

            // 1. The relay's incident page arrives at the pager, one notification group per incident.
            await("incident page at the pager")
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("demo exited", () -> !demo.alive())
                    .until(() -> !firing(webhook).isEmpty());
            WebhookReceiver.Notification page = firing(webhook).get(0);
            JsonNode incident = page.alerts().get(0);
            String incidentId = incident.at("/labels/incident_id").asText();
            System.out.printf(
                    "e2e: incident %s opened %s, at the pager webhook %s (%d ms after the detector opened it)%n",
                    incidentId,
                    incident.get("startsAt").asText(),
                    page.receivedAt(),
                    Duration.between(Instant.parse(incident.get("startsAt").asText()), page.receivedAt())
                            .toMillis());
            assertThat(page.groupLabel("incident_id")).isEqualTo(incidentId);
            assertThat(page.alerts()).hasSize(1);
            assertThat(fieldNames(incident.get("labels")))
                    .containsExactlyInAnyOrder("alertname", "severity", "custody_group", "incident_id", "chain");
            assertThat(incident.at("/labels/severity").asText()).isEqualTo("critical");
            assertThat(incident.at("/labels/custody_group").asText()).isIn("retail", "pro", "treasury");
            assertThat(Integer.parseInt(
                            incident.at("/annotations/wallets_drained").asText()))
                    .isPositive();
            assertThat(incident.at("/annotations/value_lost_usd").asText()).startsWith("$");
            assertThat(incident.at("/annotations/value_at_risk_usd").asText()).isNotBlank();
            assertThat(incident.at("/annotations/destinations").asText()).startsWith("0x");
            assertThat(incident.at("/annotations/summary").asText()).isNotBlank();
            assertThat(incident.at("/annotations/runbook_url").asText()).endsWith("/drain-incident.md");
            assertThat(incident.at("/annotations/dashboard_url").asText())
                    .isEqualTo("https://grafana.example.com/d/drainwatch-fleet");

            // 2. While the incident is open (about 30 s in the demo): the rules fire and reach Alertmanager,
            // which holds the backup pages behind the incident page; every expression executes; every
            // dashboard panel answers with data.
            Set<String> firedRules = new TreeSet<>();
            Set<String> inhibitedInAlertmanager = new TreeSet<>();
            await("backup page rules fire and Alertmanager inhibits them")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        firedRules.addAll(firingRules(prometheus));
                        for (String rule : List.of("DrainwatchIncidentsOpen", "DrainwatchCriticalDrainAlerts")) {
                            for (JsonNode alert : alertmanagerAlerts(alertmanager, "alertname=\"" + rule + "\"")) {
                                if (!alert.at("/status/inhibitedBy").isEmpty()) {
                                    inhibitedInAlertmanager.add(rule);
                                }
                            }
                        }
                        return firedRules.containsAll(
                                        Set.of("DrainwatchIncidentsOpen", "DrainwatchCriticalDrainAlerts"))
                                && inhibitedInAlertmanager.size() == 2;
                    });
            List<String> expressions = new ArrayList<>(io.drainwatch.detector.deploy.RuleFiles.expressions());
            Dashboards.queries().forEach(q -> expressions.add(q.promql()));
            for (String expr : expressions) {
                JsonNode answer = Prometheus.query(prometheus, expr);
                assertThat(answer.path("status").asText())
                        .as("%s -> %s", expr, answer)
                        .isEqualTo("success");
            }
            Set<String> panelsWithData = new TreeSet<>();
            await("every dashboard panel answers with data")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        panelsWithData.addAll(panelsWithData(prometheus));
                        assertThat(panelsExpectingData())
                                .allSatisfy(panel -> assertThat(panelsWithData)
                                        .as("panels with data")
                                        .contains(panel));
                    });
            // A panel answers if one of its queries does, and "or on() vector(0)" answers anyway: each
            // query's metric names must also be ones Prometheus holds, so a misspelt name fails here.
            Set<String> known = Prometheus.metricNames(prometheus);
            List<String> unknown = new ArrayList<>();
            for (String expr : expressions) {
                for (String name : PromqlNames.of(expr)) {
                    if (!known.contains(name)) {
                        unknown.add(name + " in: " + expr);
                    }
                }
            }
            assertThat(unknown)
                    .as("metric names that no role exposes and no rule records")
                    .isEmpty();
            System.out.printf(
                    "e2e: %d expressions executed, %d panels with data, %d metric names checked, rules fired %s%n",
                    expressions.size(), panelsWithData.size(), known.size(), firedRules);

            // 3. The ingestor dies: drainwatch is blind to the chain, and says so at the pager.
            ingest.kill();
            await("DrainwatchRoleDown{role=ingest} at the pager")
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> webhook.to("/pager", "DrainwatchRoleDown").stream()
                            .anyMatch(n -> n.alerts().stream()
                                    .anyMatch(a -> a.at("/labels/role").asText().equals("ingest"))));
            assertThat(firing(webhook).stream()
                            .collect(java.util.stream.Collectors.groupingBy(
                                    n -> n.groupLabel("incident_id"), java.util.stream.Collectors.counting())))
                    .as("one page per incident (the demo attacks two groups), however often the relay re-posts")
                    .containsEntry(incidentId, 1L)
                    .allSatisfy((id, pages) -> assertThat(pages).isEqualTo(1L));

            // 4. The attack is over: the incident resolves (15 s of quiet in the demo) and so does its page.
            await("resolved incident at the pager")
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> webhook.to("/pager", "DrainwatchIncident").stream()
                            .anyMatch(n -> n.status().equals("resolved")
                                    && n.groupLabel("incident_id").equals(incidentId)));
            WebhookReceiver.Notification resolved = webhook.to("/pager", "DrainwatchIncident").stream()
                    .filter(n -> n.status().equals("resolved")
                            && n.groupLabel("incident_id").equals(incidentId))
                    .findFirst()
                    .orElseThrow();
            assertThat(resolved.alerts().get(0).get("labels")).isEqualTo(incident.get("labels"));
            System.out.printf(
                    "e2e: resolved notification %s; whole run %d s%n",
                    resolved.receivedAt(),
                    Duration.between(started, Instant.now()).toSeconds());
        }
    }

    private static List<WebhookReceiver.Notification> firing(WebhookReceiver webhook) {
        return webhook.to("/pager", "DrainwatchIncident").stream()
                .filter(n -> n.status().equals("firing"))
                .toList();
    }

    /** Panels with at least one query returning a series now. */
    private static Set<String> panelsWithData(ExternalProcess prometheus) {
        Set<String> panels = new TreeSet<>();
        for (Dashboards.Query query : Dashboards.queries()) {
            JsonNode result = Prometheus.query(prometheus, query.promql()).at("/data/result");
            if (result.isArray() && !result.isEmpty()) {
                panels.add(query.dashboard() + " / " + query.panel());
            }
        }
        return panels;
    }

    /** Every panel of every dashboard. */
    private static Set<String> panelsExpectingData() {
        Set<String> panels = new TreeSet<>();
        Dashboards.queries().forEach(query -> panels.add(query.dashboard() + " / " + query.panel()));
        return panels;
    }

    private static Set<String> firingRules(ExternalProcess prometheus) {
        Set<String> names = new TreeSet<>();
        for (JsonNode alert : Prometheus.alerts(prometheus).at("/data/alerts")) {
            if (alert.get("state").asText().equals("firing")) {
                names.add(alert.at("/labels/alertname").asText());
            }
        }
        return names;
    }

    private static JsonNode alertmanagerAlerts(ExternalProcess alertmanager, String filter) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(alertmanager.url() + "/api/v2/alerts?filter="
                                + URLEncoder.encode(filter, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
