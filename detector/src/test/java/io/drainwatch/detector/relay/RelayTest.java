package io.drainwatch.detector.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay loop against a stand-in consumer and a fake Alertmanager. */
class RelayTest {
    private static final TopicPartition INCIDENTS = new TopicPartition("drainwatch.incidents", 0);
    private static final TopicPartition ALERTS = new TopicPartition("drainwatch.alerts", 0);
    private static final AvroSerde<DrainIncident> INCIDENT_SERDE = AvroSerde.of(DrainIncident.class);
    private static final AvroSerde<DrainAlert> ALERT_SERDE = AvroSerde.of(DrainAlert.class);

    private final FakeAlertmanager alertmanager = new FakeAlertmanager();
    private final PacedConsumer consumer = new PacedConsumer();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Relay> relays = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        relays.forEach(Relay::close);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        alertmanager.close();
    }

    @Test
    void pagesAnIncidentOnceReadAndKeepsItOpen() {
        start(Map.of(), Map.of());
        addIncident(0, Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> postsOf("inc-1").size() >= 3);
        JsonNode first = postsOf("inc-1").get(0);
        assertThat(first.get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(Instant.parse(first.get("endsAt").asText())).isAfter(Instant.now());
        assertThat(committed(INCIDENTS)).isEqualTo(1);
        assertThat(postsOf("inc-1")).extracting(p -> p.get("labels")).containsOnly(first.get("labels"));
        assertThat(registry.get("drainwatch.open.incidents.value.at.risk.usd")
                        .gauge()
                        .value())
                .isEqualTo(1_200_000.0);
        assertThat(registry.get("drainwatch.open.incidents.wallets.drained")
                        .gauge()
                        .value())
                .isEqualTo(12);
    }

    @Test
    void resolvesTheIncidentWhenItResolves() {
        start(Map.of(), Map.of());
        addIncident(0, Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !postsOf("inc-1").isEmpty());

        addIncident(1, Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode last = postsOf("inc-1").get(postsOf("inc-1").size() - 1);
            assertThat(Instant.parse(last.get("endsAt").asText())).isEqualTo(Records.OPENED.plusSeconds(120));
            assertThat(committed(INCIDENTS)).isEqualTo(2);
        });
    }

    @Test
    void positionWaitsWhileAlertmanagerRefusesAndThePageArrivesWhenItIsBack() {
        alertmanager.answer(503);
        start(Map.of(), Map.of());
        addIncident(0, Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "failed")
                                .count()
                        >= 2);
        assertThat(committed(INCIDENTS))
                .as("nothing accepted: the position must not move")
                .isNull();
        assertThat(registry.get("drainwatch.relay.pending")
                        .tag("kind", "incident")
                        .gauge()
                        .value())
                .isEqualTo(1);

        alertmanager.answer(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(postsOf("inc-1")).isNotEmpty();
            assertThat(committed(INCIDENTS)).isEqualTo(1);
        });
        assertThat(registry.counter("drainwatch.relay.pages", "kind", "incident", "status", "firing")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void anIncidentThatOpensAndResolvesWhileAlertmanagerIsDownStillPagesThenResolves() {
        alertmanager.answer(503);
        start(Map.of(), Map.of());
        addIncident(0, Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));
        addIncident(1, Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "failed")
                                .count()
                        >= 2);

        alertmanager.answer(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> posts = postsOf("inc-1");
            assertThat(posts).isNotEmpty();
            assertThat(Instant.parse(posts.get(0).get("endsAt").asText()))
                    .as("first shown firing")
                    .isAfter(Instant.now());
            assertThat(Instant.parse(posts.get(posts.size() - 1).get("endsAt").asText()))
                    .as("then ended")
                    .isEqualTo(Records.OPENED.plusSeconds(120));
            assertThat(committed(INCIDENTS)).isEqualTo(2);
        });
    }

    @Test
    void positionStaysBeforeAHeldEndUntilAlertmanagerAcceptedTheEnd() {
        alertmanager.answer(503);
        // A 3 s interval holds the end back for 3 s after the firing state was accepted.
        start(Map.of(), Map.of(), Records.config(Duration.ofSeconds(3), alertmanager.url()));
        addIncident(0, Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1));
        addIncident(1, Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "failed")
                                .count()
                        >= 2);

        alertmanager.answer(200);

        List<Long> committedBeforeTheEnd = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    // Read the position before the posts: a commit follows the post it is based on.
                    Long position = committed(INCIDENTS);
                    boolean endAccepted = postsOf("inc-1").stream()
                            .anyMatch(p ->
                                    Instant.parse(p.get("endsAt").asText()).equals(Records.OPENED.plusSeconds(120)));
                    if (!endAccepted && position != null) {
                        committedBeforeTheEnd.add(position);
                    }
                    return endAccepted && Long.valueOf(2).equals(position);
                });
        assertThat(committedBeforeTheEnd)
                .as("the RESOLVED record (offset 1) is not committed before Alertmanager accepted the end")
                .doesNotContain(2L);
        assertThat(postsOf("inc-1").get(0).get("endsAt").asText())
                .as("shown firing first")
                .isNotEqualTo(Records.OPENED.plusSeconds(120).toString());
    }

    @Test
    void anInvalidPageIsDroppedAloneAndTheValidPagesPostedWithItAreDelivered() {
        alertmanager.answer(503);
        alertmanager.rejectAlerts(
                alert -> alert.at("/labels/incident_id").asText().equals("inc-bad"));
        start(Map.of(), Map.of());
        addIncident(0, Records.incident("inc-bad", AlertStatus.FIRING, Severity.CRITICAL, 1));
        addIncident(1, Records.incident("inc-good", AlertStatus.FIRING, Severity.CRITICAL, 1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "failed")
                                .count()
                        >= 2);

        alertmanager.answer(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(postsOf("inc-good")).isNotEmpty();
            assertThat(committed(INCIDENTS)).isEqualTo(2);
        });
        assertThat(postsOf("inc-bad")).isEmpty();
        assertThat(registry.counter("drainwatch.relay.pages", "kind", "incident", "status", "firing")
                        .count())
                .as("only the valid page counts as delivered")
                .isEqualTo(1);
        double rejected = registry.counter("drainwatch.relay.posts", "outcome", "rejected")
                .count();
        assertThat(rejected).as("the batch, then the invalid page alone").isEqualTo(2);
        int reposts = postsOf("inc-good").size();
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> registry.counter("drainwatch.relay.posts", "outcome", "rejected")
                                .count()
                        == rejected);
        assertThat(postsOf("inc-good"))
                .as("re-posted every interval, no longer held back by the invalid page")
                .hasSizeGreaterThan(reposts);
    }

    @Test
    void restartRepostsWhatStillFiresAndForgetsWhatEndedLongAgo() {
        List<DrainIncident> history = List.of(
                Records.incident("inc-old", AlertStatus.FIRING, Severity.CRITICAL, 1),
                Records.incident("inc-live", AlertStatus.FIRING, Severity.HIGH, 1),
                Records.incident("inc-old", AlertStatus.RESOLVED, Severity.CRITICAL, 2));
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < history.size(); i++) {
                consumer.addRecord(incidentRecord(i, history.get(i)));
            }
        });
        start(Map.of(INCIDENTS, 3L), Map.of(INCIDENTS, 3L));

        await().atMost(Duration.ofSeconds(10)).until(() -> !postsOf("inc-live").isEmpty());
        assertThat(postsOf("inc-old"))
                .as("resolved before the restart and accepted then")
                .isEmpty();
        assertThat(registry.counter("drainwatch.relay.pages", "kind", "incident", "status", "firing")
                        .count())
                .as("replayed pages are re-posted, not counted as new")
                .isZero();
    }

    @Test
    void postsCriticalAlertsOnlyAndCommitsPastTheOthers() {
        start(Map.of(), Map.of());
        addAlert(0, Records.alert("velocity-1", AlertStatus.FIRING, Severity.MEDIUM));
        addAlert(1, Records.alert("sweep-1", AlertStatus.FIRING, Severity.CRITICAL));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(alertmanager.accepted()).isNotEmpty();
            assertThat(committed(ALERTS)).isEqualTo(2);
        });
        assertThat(alertmanager.accepted())
                .allSatisfy(body -> assertThat(body)
                        .allSatisfy(alert -> assertThat(
                                        alert.get("labels").get("alert_id").asText())
                                .isEqualTo("sweep-1")));
    }

    private void start(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed) {
        start(end, committed, Records.config(alertmanager.url()));
    }

    private void start(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed, RelayConfig config) {
        consumer.updatePartitions(
                INCIDENTS.topic(),
                List.of(new PartitionInfo(INCIDENTS.topic(), 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updatePartitions(
                ALERTS.topic(), List.of(new PartitionInfo(ALERTS.topic(), 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(INCIDENTS, 0L, ALERTS, 0L));
        Map<TopicPartition, Long> ends = new java.util.HashMap<>(Map.of(INCIDENTS, 0L, ALERTS, 0L));
        ends.putAll(end);
        consumer.updateEndOffsets(ends);
        committed.forEach((p, o) -> consumer.previousRun.put(p, new OffsetAndMetadata(o)));
        Relay relay = new Relay(
                consumer,
                TopicCatalogue.defaults().incidents(),
                TopicCatalogue.defaults().alerts(),
                config,
                new AlertmanagerClient(List.of(java.net.URI.create(alertmanager.url())), Duration.ofSeconds(2)),
                new RelayMetrics(registry),
                Clock.systemUTC());
        relays.add(relay);
        Thread thread = new Thread(relay, "relay-under-test");
        threads.add(thread);
        thread.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.assignment().size() == 2 && relay.ready());
    }

    private void addIncident(long offset, DrainIncident incident) {
        consumer.addRecord(incidentRecord(offset, incident));
    }

    private void addAlert(long offset, DrainAlert alert) {
        consumer.addRecord(
                new ConsumerRecord<>(ALERTS.topic(), 0, offset, alert.getAlertId(), ALERT_SERDE.encode(alert)));
    }

    private static ConsumerRecord<String, byte[]> incidentRecord(long offset, DrainIncident incident) {
        return new ConsumerRecord<>(
                INCIDENTS.topic(), 0, offset, incident.getIncidentId(), INCIDENT_SERDE.encode(incident));
    }

    private Long committed(TopicPartition partition) {
        OffsetAndMetadata offset =
                consumer.committed(java.util.Set.of(partition)).get(partition);
        return offset == null ? null : offset.offset();
    }

    private List<JsonNode> postsOf(String incidentId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode body : alertmanager.accepted()) {
            for (JsonNode alert : body) {
                JsonNode id = alert.get("labels").get("incident_id");
                if (id != null && id.asText().equals(incidentId)) {
                    found.add(alert);
                }
            }
        }
        return found;
    }

    /** A real consumer waits up to its poll timeout for records; this stand-in would spin without the pause. */
    private static final class PacedConsumer extends MockConsumer<String, byte[]> {
        /** What an earlier relay committed (the stand-in forgets commits made before {@code assign}). */
        final Map<TopicPartition, OffsetAndMetadata> previousRun = new java.util.concurrent.ConcurrentHashMap<>();

        PacedConsumer() {
            super("earliest");
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(java.util.Set<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>(super.committed(partitions));
            previousRun.forEach((p, o) -> {
                if (partitions.contains(p)) {
                    committed.putIfAbsent(p, o);
                }
            });
            return committed;
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            return records;
        }
    }
}
