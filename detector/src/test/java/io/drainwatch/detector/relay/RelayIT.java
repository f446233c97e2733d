package io.drainwatch.detector.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.deploy.DeployPaths;
import io.drainwatch.detector.opstest.Alertmanager;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.opstest.WebhookReceiver;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay between a real Kafka broker and a real Alertmanager running deploy/alertmanager's
 * configuration: the incident page reaches the pager webhook with its labels and annotations, resolves
 * with the incident, and survives Alertmanager being killed without the relay's position moving past
 * a page Alertmanager did not accept.
 */
class RelayIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final AvroSerde<DrainIncident> SERDE = AvroSerde.of(DrainIncident.class);

    @TempDir
    Path work;

    private String incidents;
    private String alerts;
    private String group;
    private WebhookReceiver webhook;
    private ExternalProcess alertmanager;
    private KafkaProducer<String, byte[]> producer;
    private Relay relay;
    private Thread relayThread;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start(TestInfo test) {
        String suffix = test.getTestMethod().orElseThrow().getName();
        incidents = "drainwatch.incidents." + suffix;
        alerts = "drainwatch.alerts." + suffix;
        group = "drainwatch-relay-" + suffix;
        KAFKA.createTopic(incidents, 1, 1);
        KAFKA.createTopic(alerts, 1, 1);
        webhook = new WebhookReceiver();
        alertmanager = Alertmanager.start(DeployPaths.alertmanagerConfig(), webhook, work);
        Map<String, Object> props = KAFKA.producerProps();
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(props);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (relay != null) {
            relay.close();
            relayThread.join(10_000);
        }
        producer.close();
        alertmanager.close();
        webhook.close();
    }

    @Test
    void incidentPagesThroughAlertmanagerAndResolves() throws Exception {
        startRelay();
        Instant written = Instant.now();
        send(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> !pages("firing", "inc-1").isEmpty());
        WebhookReceiver.Notification page = pages("firing", "inc-1").get(0);
        System.out.printf(
                "relay: incident record to pager webhook in %d ms%n",
                Duration.between(written, page.receivedAt()).toMillis());
        assertThat(page.groupLabel("incident_id")).isEqualTo("inc-1");
        JsonNode alert = page.alerts().get(0);
        assertThat(alert.get("labels").properties())
                .extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("alertname", "severity", "custody_group", "incident_id", "chain");
        assertThat(alert.at("/labels/custody_group").asText()).isEqualTo("retail-eu");
        assertThat(alert.at("/annotations/wallets_drained").asText()).isEqualTo("12");
        assertThat(alert.at("/annotations/value_lost_usd").asText()).isEqualTo("$48,250.50");
        assertThat(alert.at("/annotations/value_at_risk_usd").asText()).isEqualTo("$1,200,000.00");
        assertThat(alert.at("/annotations/destinations").asText()).contains(Records.ATTACKER);
        assertThat(alert.at("/annotations/runbook_url").asText()).endsWith("/drain-incident.md");

        Instant resolvedWritten = Instant.now();
        send(Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> !pages("resolved", "inc-1").isEmpty());
        System.out.printf(
                "relay: resolved record to pager webhook in %d ms%n",
                Duration.between(
                                resolvedWritten,
                                pages("resolved", "inc-1").get(0).receivedAt())
                        .toMillis());
        assertThat(pages("resolved", "inc-1").get(0).alerts().get(0).get("labels"))
                .isEqualTo(alert.get("labels"));
        assertThat(webhook.to("/pager", Pages.INCIDENT_ALERTNAME)).hasSize(2);
    }

    @Test
    void alertmanagerKilledWhileAnIncidentFiresStillGetsThePageAndThePositionWaits() throws Exception {
        startRelay();
        send(Records.incident("inc-a", AlertStatus.FIRING, Severity.CRITICAL, 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !pages("firing", "inc-a").isEmpty());
        JsonNode labelsA = pages("firing", "inc-a").get(0).alerts().get(0).get("labels");
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == 1);

        alertmanager.kill();
        long offsetB = send(Records.incident("inc-b", AlertStatus.FIRING, Severity.CRITICAL, 1))
                .offset();
        assertThat(offsetB).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "failed")
                                .count()
                        >= 2);
        await("position held while Alertmanager is down")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> committed() == offsetB);
        assertThat(relay.ready()).isFalse();

        alertmanager.restart();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !pages("firing", "inc-b").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> committed() == offsetB + 1);
        // Alertmanager lost its state with the kill; the relay's re-post gives it inc-a back as the same alert.
        await().atMost(Duration.ofSeconds(30)).until(() -> activeIn(alertmanager, "inc-a"));
        assertThat(pages("firing", "inc-a"))
                .allSatisfy(n -> assertThat(n.alerts().get(0).get("labels")).isEqualTo(labelsA));
        assertThat(pages("firing", "inc-b")
                        .get(0)
                        .alerts()
                        .get(0)
                        .at("/labels/incident_id")
                        .asText())
                .isEqualTo("inc-b");
    }

    private void startRelay() {
        RelayConfig config = new RelayConfig(
                List.of(URI.create(alertmanager.url())),
                Duration.ofSeconds(2),
                Severity.CRITICAL,
                "https://github.com/drainwatch/drainwatch/blob/main/docs/runbooks",
                null,
                Map.of(1L, "https://etherscan.io"),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Relay.consumerProperties(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), group),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        TopicCatalogue catalogue =
                TopicCatalogue.of(Topics.from(Map.of("topic.incidents", incidents, "topic.alerts", alerts)));
        relay = new Relay(
                consumer,
                catalogue.incidents(),
                catalogue.alerts(),
                config,
                new AlertmanagerClient(config.alertmanagers(), config.requestTimeout()),
                new RelayMetrics(registry),
                Clock.systemUTC());
        relayThread = new Thread(relay, "relay-it");
        relayThread.start();
        await().atMost(Duration.ofSeconds(30)).until(relay::ready);
    }

    private RecordMetadata send(DrainIncident incident) throws Exception {
        return producer.send(new ProducerRecord<>(incidents, incident.getIncidentId(), SERDE.encode(incident)))
                .get(10, TimeUnit.SECONDS);
    }

    private long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = KAFKA.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        OffsetAndMetadata offset = offsets.get(new TopicPartition(incidents, 0));
        return offset == null ? -1 : offset.offset();
    }

    private List<WebhookReceiver.Notification> pages(String status, String incidentId) {
        return webhook.to("/pager", Pages.INCIDENT_ALERTNAME).stream()
                .filter(n ->
                        n.status().equals(status) && n.groupLabel("incident_id").equals(incidentId))
                .toList();
    }

    private static boolean activeIn(ExternalProcess am, String incidentId) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(URI.create(am.url() + "/api/v2/alerts?active=true&filter="
                                        + java.net.URLEncoder.encode(
                                                "incident_id=\"" + incidentId + "\"",
                                                java.nio.charset.StandardCharsets.UTF_8)))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200
                && new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(response.body())
                                .size()
                        == 1;
    }
}
