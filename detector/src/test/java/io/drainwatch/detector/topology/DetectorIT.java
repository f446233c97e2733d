package io.drainwatch.detector.topology;

import static io.drainwatch.detector.topology.Chain.ETH;
import static io.drainwatch.detector.topology.Chain.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The detector on a real (in-JVM) Kafka broker: exactly-once output, dead letters, restarts. */
class DetectorIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path stateDir;

    @BeforeAll
    static void topics() {
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(TOPICS, 2, (short) 1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 1; i <= 20; i++) {
                String wallet = wallet(i);
                send(
                        producer,
                        TOPICS.wallets(),
                        "1:" + wallet,
                        AvroSerde.of(WatchedWallet.class)
                                .encode(WatchedWallet.newBuilder()
                                        .setChainId(1)
                                        .setAddress(wallet)
                                        .setCustodyGroup("retail")
                                        .build()));
            }
            send(
                    producer,
                    TOPICS.prices(),
                    "1:native",
                    AvroSerde.of(TokenPrice.class)
                            .encode(TokenPrice.newBuilder()
                                    .setChainId(1)
                                    .setAsset("native")
                                    .setUsdPrice(3000)
                                    .setDecimals(18)
                                    .setUpdatedAt(Instant.now())
                                    .build()));
        }
    }

    static String wallet(int i) {
        return address(0x3000 + i);
    }

    private DetectorConfig config() {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.state.dir", stateDir.toString());
        settings.put("application.id", "detector-it");
        settings.put("kafka.commit.interval.ms", "200");
        return DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
    }

    private static Detector startDetector(DetectorConfig config, SimpleMeterRegistry registry) {
        Detector detector = Detector.start(config, registry);
        assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                .as("detector reaches RUNNING")
                .isTrue();
        return detector;
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicWithTheReasonAndDetectionGoesOn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Chain chain = new Chain(Instant.now());
        try (Detector detector = startDetector(config(), registry);
                KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, TOPICS.transfers(), "1:" + wallet(1), "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
            send(producer, TOPICS.balances(), "1:" + wallet(1), new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
            chain.nextBlock();
            TransferEvent drain = chain.eth(
                    wallet(1),
                    address(0xa1),
                    ETH.multiply(BigInteger.TEN),
                    ETH.multiply(BigInteger.TEN),
                    BigInteger.ZERO);
            send(
                    producer,
                    TOPICS.transfers(),
                    "1:" + wallet(1),
                    AvroSerde.of(TransferEvent.class).encode(drain));

            List<ConsumerRecord<byte[], byte[]>> dead = readUntil(TOPICS.deadLetter(), records -> records.size() >= 2);
            assertThat(dead).hasSize(2);
            assertThat(dead).anySatisfy(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .as("original bytes kept")
                        .isEqualTo("{\"not\":\"avro\"}");
                assertThat(headers(r))
                        .containsValue(TOPICS.transfers())
                        .anySatisfy((k, v) -> assertThat(v).contains("bad header"));
            });
            assertThat(dead)
                    .anySatisfy(r -> assertThat(headers(r))
                            .containsValue(TOPICS.balances())
                            .anySatisfy((k, v) -> assertThat(v).contains("cannot decode BalanceSnapshot")));

            List<DrainAlert> alerts =
                    alerts(list -> list.stream().anyMatch(a -> a.getSubject().equals(wallet(1))));
            assertThat(alerts).anySatisfy(a -> {
                assertThat(a.getRule()).isEqualTo("balance-drain");
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(registry.get("drainwatch_dead_letters_total")
                                .tag("reason", "malformed")
                                .counter()
                                .count())
                        .isEqualTo(1);
                assertThat(registry.get("drainwatch_dead_letters_total")
                                .tag("reason", "deserialization")
                                .counter()
                                .count())
                        .isEqualTo(1);
            });
            assertThat(detector.state()).isEqualTo(KafkaStreams.State.RUNNING);

            // A tail of transfers that concern nobody: dropped before Streams, yet the position is committed.
            for (int i = 0; i < 500; i++) {
                send(
                        producer,
                        TOPICS.transfers(),
                        "1:" + address(0x9000 + i),
                        AvroSerde.of(TransferEvent.class)
                                .encode(chain.eth(
                                        address(0x9000 + i),
                                        address(0x9900 + i),
                                        ETH,
                                        ETH.multiply(BigInteger.TWO),
                                        ETH)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, Long> end = KAFKA
                        .admin()
                        .listOffsets(partitions(TOPICS.transfers()).stream()
                                .collect(java.util.stream.Collectors.toMap(
                                        p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
                        .all()
                        .get()
                        .entrySet()
                        .stream()
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, Long> committed = KAFKA
                        .admin()
                        .listConsumerGroupOffsets("detector-it")
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .entrySet()
                        .stream()
                        .filter(e -> e.getKey().topic().equals(TOPICS.transfers()))
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().offset()));
                assertThat(committed)
                        .as("committed offsets of chain.transfers reach the end")
                        .isEqualTo(end);
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(registry.get("drainwatch_detect_events_total")
                                    .tag("outcome", "ignored")
                                    .counter()
                                    .count())
                            .isGreaterThanOrEqualTo(500));
        }
    }

    private static List<TopicPartition> partitions(String topic) {
        try {
            return KAFKA.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void restartResumesWithoutLosingOrRepeatingAlerts() {
        Chain chain = new Chain(Instant.now());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            try (Detector detector = startDetector(config(), new SimpleMeterRegistry())) {
                for (int i = 10; i < 13; i++) {
                    chain.nextBlock();
                    send(
                            producer,
                            TOPICS.transfers(),
                            "1:" + wallet(i),
                            AvroSerde.of(TransferEvent.class)
                                    .encode(chain.eth(
                                            wallet(i),
                                            address(0xb0 + i),
                                            ETH.multiply(BigInteger.TEN),
                                            ETH.multiply(BigInteger.TEN),
                                            BigInteger.ZERO)));
                }
                alerts(list -> list.stream()
                                .filter(a -> a.getRule().equals("balance-drain"))
                                .map(DrainAlert::getSubject)
                                .distinct()
                                .count()
                        >= 3 + alreadyDrained(list));
            }
            // The watched wallets were written to a snapshot, so a restart replays only what changed since.
            assertThat(stateDir.resolve("detector-it/global/watched-wallets.snapshot"))
                    .isNotEmptyFile();
            // Changes to the watched wallets while the detector is down apply when it restarts: wallet 16 is
            // no longer watched, wallet 40 is.
            send(producer, TOPICS.wallets(), "1:" + wallet(16), null);
            send(
                    producer,
                    TOPICS.wallets(),
                    "1:" + wallet(40),
                    AvroSerde.of(WatchedWallet.class)
                            .encode(WatchedWallet.newBuilder()
                                    .setChainId(1)
                                    .setAddress(wallet(40))
                                    .setCustodyGroup("retail")
                                    .build()));
            // Events that arrive while the detector is down are processed after it restarts.
            for (int i : new int[] {13, 14, 15, 16, 40}) {
                chain.nextBlock();
                send(
                        producer,
                        TOPICS.transfers(),
                        "1:" + wallet(i),
                        AvroSerde.of(TransferEvent.class)
                                .encode(chain.eth(
                                        wallet(i),
                                        address(0xb0 + i),
                                        ETH.multiply(BigInteger.TEN),
                                        ETH.multiply(BigInteger.TEN),
                                        BigInteger.ZERO)));
            }
            try (Detector detector = startDetector(config(), new SimpleMeterRegistry())) {
                alerts(list ->
                        drainedWallets(list).containsAll(List.of(wallet(13), wallet(14), wallet(15), wallet(40))));
                // A duplicate could still be on its way from any stage: wait until the detector has
                // committed every record of every topic it reads, then read the alerts to their end.
                KAFKA.awaitCaughtUp("detector-it", Duration.ofSeconds(60));
                List<DrainAlert> all = KAFKA.readCommitted(TOPICS.alerts()).stream()
                        .map(r -> AvroSerde.of(DrainAlert.class).decode(r.value()))
                        .toList();
                List<String> firing = all.stream()
                        .filter(a -> a.getStatus() == AlertStatus.FIRING)
                        .map(DrainAlert::getAlertId)
                        .toList();
                assertThat(firing).as("each alert fired exactly once").doesNotHaveDuplicates();
                assertThat(drainedWallets(all))
                        .contains(wallet(10), wallet(11), wallet(12), wallet(13), wallet(14), wallet(15), wallet(40))
                        .doesNotContain(wallet(16));
            }
        }
    }

    private static long alreadyDrained(List<DrainAlert> list) {
        return drainedWallets(list).stream()
                .filter(w -> !List.of(wallet(10), wallet(11), wallet(12)).contains(w))
                .count();
    }

    private static List<String> drainedWallets(List<DrainAlert> list) {
        return list.stream()
                .filter(a -> a.getRule().equals("balance-drain"))
                .map(DrainAlert::getSubject)
                .distinct()
                .toList();
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> map = new HashMap<>();
        for (Header h : r.headers()) {
            map.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return map;
    }

    private static List<DrainAlert> alerts(Predicate<List<DrainAlert>> enough) {
        return readUntil(
                        TOPICS.alerts(),
                        records -> enough.test(records.stream()
                                .map(r -> AvroSerde.of(DrainAlert.class).decode(r.value()))
                                .toList()))
                .stream()
                .map(r -> AvroSerde.of(DrainAlert.class).decode(r.value()))
                .toList();
    }

    /** Reads the whole topic (committed records only) until {@code enough} holds. */
    private static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough) {
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
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return enough.test(records);
                    });
        }
        return records;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(KAFKA.producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, String key, byte @Nullable [] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic, e);
        }
    }
}
