package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.alert.SampleAlerts;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.serde.AvroSerde;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code drainwatch alerts tail} reads what the detector wrote, from a real broker. */
class AlertsTailIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static void write(String alerts, String incidents, DrainAlert alert, DrainIncident incident)
            throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            alerts,
                            alert.getAlertId(),
                            AvroSerde.of(DrainAlert.class).encode(alert)))
                    .get();
            producer.send(new ProducerRecord<>(
                            incidents,
                            incident.getIncidentId(),
                            AvroSerde.of(DrainIncident.class).encode(incident)))
                    .get();
        }
    }

    private static String[] tail(String alerts, String incidents, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "alerts",
                "tail",
                "-b",
                KAFKA.bootstrapServers(),
                "--topic",
                "alerts=" + alerts,
                "--topic",
                "incidents=" + incidents));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    @Test
    void jsonLinesCarryTheAvroFieldsOfTheAlertAndTheIncident() throws Exception {
        KAFKA.createTopic("it.tail.alerts", 2, 1);
        KAFKA.createTopic("it.tail.incidents", 1, 1);
        write("it.tail.alerts", "it.tail.incidents", SampleAlerts.alert(), SampleAlerts.incident());
        StringWriter out = new StringWriter();

        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .execute(tail(
                        "it.tail.alerts", "it.tail.incidents", "--format", "json", "--max", "2", "--from-beginning"));

        assertThat(exit).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().lines().toList()) {
            lines.add(MAPPER.readTree(line));
        }
        assertThat(lines).extracting(j -> j.get("type").asText()).containsExactlyInAnyOrder("alert", "incident");
        JsonNode alert = lines.stream()
                .filter(j -> j.get("type").asText().equals("alert"))
                .findFirst()
                .orElseThrow();
        assertThat(alert.get("alertId").asText()).isEqualTo(SampleAlerts.alert().getAlertId());
        assertThat(alert.get("rule").asText()).isEqualTo("balance-drain");
        assertThat(alert.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(alert.get("amount").asText()).isEqualTo(SampleAlerts.HUGE.toPlainString());
        assertThat(alert.get("detectedAt").asText()).isEqualTo("2026-06-04T10:15:02.250Z");
        assertThat(alert.get("txHashes").get(0).asText()).isEqualTo(SampleAlerts.TX);
        JsonNode incident = lines.stream()
                .filter(j -> j.get("type").asText().equals("incident"))
                .findFirst()
                .orElseThrow();
        assertThat(incident.get("incidentId").asText()).isEqualTo("inc-retail-1");
        assertThat(incident.get("walletsDrained").asInt()).isEqualTo(37);
        assertThat(incident.get("valueLostUsd").asDouble()).isEqualTo(1_234_567.0);
        assertThat(incident.get("destinations")).hasSize(3);
    }

    @Test
    void byDefaultOnlyNewRecordsArePrintedInTheHumanFormat() throws Exception {
        KAFKA.createTopic("it.tail.new.alerts", 1, 1);
        KAFKA.createTopic("it.tail.new.incidents", 1, 1);
        DrainAlert old = DrainAlert.newBuilder(SampleAlerts.alert())
                .setAlertId("old")
                .setRule("new-destination")
                .build();
        write("it.tail.new.alerts", "it.tail.new.incidents", old, SampleAlerts.incident());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(tail("it.tail.new.alerts", "it.tail.new.incidents", "--max", "2")));
        // the tail says when it holds its start positions; records written from then on are new
        await().atMost(Duration.ofSeconds(20)).until(() -> err.toString().contains("new records only"));
        write("it.tail.new.alerts", "it.tail.new.incidents", SampleAlerts.alert(), SampleAlerts.incident());

        assertThat(tail.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).doesNotContain("new-destination");
        assertThat(text).contains("CRITICAL FIRING balance-drain wallet 0x5aae..eaed group retail");
        assertThat(text)
                .contains(
                        "INCIDENT inc-retail-1 retail FIRING CRITICAL 37 wallets drained, $1.2M lost, $4.5M at risk, 3 destinations");
    }
}
