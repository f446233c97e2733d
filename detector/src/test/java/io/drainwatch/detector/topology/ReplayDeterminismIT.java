package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One seeded mass sweep played three ways through the real detector on a real broker: all at once after
 * the chain was written (a backfill, in which the partition of the attacker's gas top-ups lags the others),
 * block by block as at the tip, and block by block with the detector stopped at two random blocks and
 * restarted. The three must write the same alerts and incidents.
 */
class ReplayDeterminismIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final long SEED = 20261204L;

    @TempDir
    Path stateDir;

    /** What a run wrote, reduced to what must not depend on arrival order. */
    record Outcome(
            Map<String, Integer> firingPerAlert,
            Map<String, String> finalSeverity,
            Map<String, Set<String>> incidentWallets) {}

    @Test
    void backfillTipAndRestartsWriteTheSameAlertsAndIncidents() {
        SweepScenario scenario = SweepScenario.generate(SweepRun.START, SweepScenario.Parameters.attack(SEED, 12));
        List<List<TransferEvent>> blocks = blocks(scenario.events());

        Outcome backfill = play("backfill", scenario, blocks, Set.of(), true);
        Outcome tip = play("tip", scenario, blocks, Set.of(), false);
        Random random = new Random(SEED);
        Set<Integer> stops = new TreeSet<>();
        while (stops.size() < 2) {
            stops.add(1 + random.nextInt(blocks.size() - 1));
        }
        Outcome restarted = play("restarts", scenario, blocks, stops, false);

        System.out.printf(
                "replay-determinism seed=%d blocks=%d events=%d stops=%s alerts=%d/%d/%d incidents=%d/%d/%d%n",
                SEED,
                blocks.size(),
                scenario.events().size(),
                stops,
                backfill.firingPerAlert().size(),
                tip.firingPerAlert().size(),
                restarted.firingPerAlert().size(),
                backfill.incidentWallets().size(),
                tip.incidentWallets().size(),
                restarted.incidentWallets().size());
        assertThat(backfill.firingPerAlert()).isNotEmpty();
        assertThat(tip.firingPerAlert().keySet()).anyMatch(id -> id.startsWith("gas-topup-sweep:"));
        assertThat(backfill.firingPerAlert().values())
                .as("each alert fired once")
                .containsOnly(1);
        assertThat(tip.firingPerAlert()).as("block by block").isEqualTo(backfill.firingPerAlert());
        assertThat(restarted.firingPerAlert()).as("with restarts").isEqualTo(backfill.firingPerAlert());
        assertThat(tip.finalSeverity()).isEqualTo(backfill.finalSeverity());
        assertThat(restarted.finalSeverity()).isEqualTo(backfill.finalSeverity());
        assertThat(tip.incidentWallets()).isEqualTo(backfill.incidentWallets());
        assertThat(restarted.incidentWallets()).isEqualTo(backfill.incidentWallets());
    }

    private static List<List<TransferEvent>> blocks(List<TransferEvent> events) {
        Map<Long, List<TransferEvent>> byBlock = new TreeMap<>();
        events.forEach(e -> byBlock.computeIfAbsent(e.getBlockNumber(), b -> new ArrayList<>())
                .add(e));
        return new ArrayList<>(byBlock.values());
    }

    private Outcome play(
            String run,
            SweepScenario scenario,
            List<List<TransferEvent>> blocks,
            Set<Integer> stops,
            boolean chainFirst) {
        Map<String, String> settings = new HashMap<>();
        Topics d = Topics.defaults();
        // Each run has topics of its own on the one broker.
        Map<String, String> names = Map.ofEntries(
                Map.entry("transfers", d.transfers()),
                Map.entry("approvals", d.approvals()),
                Map.entry("delegations", d.delegations()),
                Map.entry("balances", d.balances()),
                Map.entry("heads", d.heads()),
                Map.entry("wallets", d.wallets()),
                Map.entry("labels", d.labels()),
                Map.entry("allowlist", d.allowlist()),
                Map.entry("prices", d.prices()),
                Map.entry("signed-tx", d.signedTx()),
                Map.entry("alerts", d.alerts()),
                Map.entry("incidents", d.incidents()),
                Map.entry("dead-letter", d.deadLetter()));
        names.forEach((role, name) -> settings.put("topic." + role, run + "." + name));
        Topics topics = Topics.from(settings);
        settings.put("kafka.state.dir", stateDir.resolve(run).toString());
        settings.put("application.id", "replay-" + run);
        settings.put("kafka.commit.interval.ms", "200");
        DetectorConfig config = DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KAFKA.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            reference(producer, topics, scenario);
            Detector detector = null;
            try {
                if (chainFirst) {
                    // A backfill: one input partition's task lags the others, modelled by delivering the
                    // attacker funder's top-ups (keyed by their sender) after every other transfer.
                    List<TransferEvent> lagging = new ArrayList<>();
                    for (List<TransferEvent> block : blocks) {
                        write(
                                producer,
                                topics,
                                block.stream()
                                        .filter(e -> !e.getFrom().equals(scenario.funder()))
                                        .toList());
                        block.stream()
                                .filter(e -> e.getFrom().equals(scenario.funder()))
                                .forEach(lagging::add);
                    }
                    write(producer, topics, lagging);
                    detector = start(config);
                } else {
                    detector = start(config);
                    for (int i = 0; i < blocks.size(); i++) {
                        if (stops.contains(i)) {
                            detector.close();
                            detector = start(config);
                        }
                        write(producer, topics, blocks.get(i));
                    }
                }
                awaitCaughtUp("replay-" + run);
            } finally {
                if (detector != null) {
                    detector.close();
                }
            }
        }
        Map<String, Integer> firing = new TreeMap<>();
        Map<String, String> severity = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(topics.alerts())) {
            DrainAlert a = AvroSerde.of(DrainAlert.class).decode(r.value());
            firing.merge(a.getAlertId(), a.getStatus() == AlertStatus.FIRING ? 1 : 0, Integer::sum);
            severity.put(a.getAlertId(), a.getSeverity().toString());
        }
        Map<String, Set<String>> incidents = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(topics.incidents())) {
            DrainIncident i = AvroSerde.of(DrainIncident.class).decode(r.value());
            incidents.put(i.getIncidentId(), new TreeSet<>(i.getWallets()));
        }
        return new Outcome(firing, severity, incidents);
    }

    private static Detector start(DetectorConfig config) {
        Detector detector = Detector.start(config, new SimpleMeterRegistry());
        assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                .as("detector reaches RUNNING")
                .isTrue();
        return detector;
    }

    private static void write(KafkaProducer<byte[], byte[]> producer, Topics topics, List<TransferEvent> block) {
        for (TransferEvent e : block) {
            send(
                    producer,
                    topics.transfers(),
                    "1:" + e.getFrom(),
                    AvroSerde.of(TransferEvent.class).encode(e));
        }
    }

    private static void reference(KafkaProducer<byte[], byte[]> producer, Topics topics, SweepScenario scenario) {
        for (String w : scenario.fleet()) {
            send(
                    producer,
                    topics.wallets(),
                    "1:" + w,
                    encode(WatchedWallet.newBuilder()
                            .setChainId(1)
                            .setAddress(w)
                            .setCustodyGroup("retail")
                            .build()));
        }
        send(
                producer,
                topics.allowlist(),
                "1:" + SweepScenario.HOT + "/*",
                encode(AllowedCounterparty.newBuilder()
                        .setChainId(1)
                        .setAddress(SweepScenario.HOT)
                        .setCustodyGroup("*")
                        .setKind(CounterpartyKind.OWN_HOT)
                        .build()));
        send(
                producer,
                topics.labels(),
                "*:" + SweepScenario.EXCHANGE,
                encode(AddressLabel.newBuilder()
                        .setAddress(SweepScenario.EXCHANGE)
                        .setCategory(LabelCategory.EXCHANGE)
                        .setSource("test list")
                        .build()));
        price(producer, topics, "native", 3000, 18);
        price(producer, topics, SweepScenario.USDC, 1, 6);
    }

    private static void price(
            KafkaProducer<byte[], byte[]> producer, Topics topics, String asset, double usd, int dec) {
        send(
                producer,
                topics.prices(),
                "1:" + asset,
                encode(TokenPrice.newBuilder()
                        .setChainId(1)
                        .setAsset(asset)
                        .setUsdPrice(usd)
                        .setDecimals(dec)
                        .setUpdatedAt(SweepRun.START)
                        .build()));
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> byte[] encode(V value) {
        return AvroSerde.of((Class<V>) value.getClass()).encode(value);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }

    /** Waits until the application's committed offsets cover the last record of every partition it reads. */
    private static void awaitCaughtUp(String applicationId) {
        Awaitility.await("detector caught up")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = KAFKA.admin()
                            .listConsumerGroupOffsets(applicationId)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    if (committed.isEmpty()) {
                        return false;
                    }
                    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new HashMap<>();
                    for (TopicPartition partition : committed.keySet()) {
                        byTopic.computeIfAbsent(partition.topic(), ReplayDeterminismIT::readToEnd);
                    }
                    return committed.entrySet().stream().allMatch(e -> {
                        long next = byTopic.get(e.getKey().topic()).stream()
                                .filter(r -> r.partition() == e.getKey().partition())
                                .mapToLong(r -> r.offset() + 1)
                                .max()
                                .orElse(0);
                        return e.getValue() != null && e.getValue().offset() >= next;
                    });
                });
    }

    /** Every committed record of {@code topic}, read up to the end offsets taken when reading starts. */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        Map<String, Object> props = new HashMap<>(KAFKA.consumerProps("reader-" + System.nanoTime()));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
