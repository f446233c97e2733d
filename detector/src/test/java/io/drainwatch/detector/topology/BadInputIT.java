package io.drainwatch.detector.topology;

import static io.drainwatch.detector.topology.Chain.ETH;
import static io.drainwatch.detector.topology.Chain.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.WatchedWallet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at every door of the detector: on each topic it reads (the chain events, the reference
 * tables, the alerts it reads back for taint), records that do not decode (random bytes, JSON, an empty
 * value), records written under a schema this version does not know (a newer one), and a record of
 * nearly a megabyte. The detector must stay RUNNING, alert on a real drain after them, start again over
 * them (the global tables are rebuilt from their topics at every start), and put every bad record, of
 * every one of those topics, in the dead-letter topic with the topic it came from. A bad
 * record under a key the rules look up (the native coin's price) leaves the last good value in force.
 */
class BadInputIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final Topics TOPICS = Topics.defaults();
    private static final TopicCatalogue CATALOGUE = TopicCatalogue.of(TOPICS);
    private static final int OVERSIZED = 900 * 1024;

    @TempDir
    Path stateDir;

    @Test
    void badRecordsOnEveryInputGoToTheDeadLetterTopicAndDetectionGoesOnAcrossARestart() {
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(TOPICS, 2, (short) 1);
        Chain chain = new Chain(Instant.now());
        List<String> inputs = List.of(
                TOPICS.transfers(),
                TOPICS.approvals(),
                TOPICS.delegations(),
                TOPICS.balances(),
                TOPICS.heads(),
                TOPICS.wallets(),
                TOPICS.labels(),
                TOPICS.allowlist(),
                TOPICS.prices(),
                TOPICS.signedTx(),
                TOPICS.alerts());
        Map<String, byte[]> kinds = badValues(new Random(20261204));
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 1; i <= 3; i++) {
                send(producer, CATALOGUE.wallets().record(watched(wallet(i))));
            }
            send(producer, CATALOGUE.prices().record(native3000()));
            for (String topic : inputs) {
                for (Map.Entry<String, byte[]> kind : kinds.entrySet()) {
                    send(producer, new ProducerRecord<>(topic, "1:" + wallet(1), kind.getValue()), kind.getKey());
                    sent++;
                }
            }
            // and a bad record under a key the rules look up: the native coin's price keeps its last good value
            send(producer, new ProducerRecord<>(TOPICS.prices(), "1:native", kinds.get("random")), "random");
            sent++;
        }
        System.out.printf("bad input: %d records (%s) on %d topics%n", sent, kinds.keySet(), inputs.size());

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Detector detector = Detector.start(config(), registry);
                KafkaProducer<byte[], byte[]> producer = producer()) {
            assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                    .as("detector reaches RUNNING over the bad records")
                    .isTrue();
            chain.nextBlock();
            send(
                    producer,
                    CATALOGUE.transfers().record(chain.eth(wallet(1), address(0xb1), ETH, ETH, BigInteger.ZERO)));
            awaitAlert(wallet(1));
            assertThat(detector.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted(TOPICS.deadLetter());
        Map<String, Set<String>> deadByTopic = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            Map<String, String> h = headers(r);
            String from =
                    h.values().stream().filter(inputs::contains).findFirst().orElse("?");
            deadByTopic.computeIfAbsent(from, t -> new TreeSet<>()).add(kindOf(r.value(), kinds));
        }
        deadByTopic.forEach((topic, found) -> System.out.printf("dead letters from %s: %s%n", topic, found));
        for (String topic : List.of(
                TOPICS.transfers(),
                TOPICS.approvals(),
                TOPICS.delegations(),
                TOPICS.balances(),
                TOPICS.heads(),
                TOPICS.wallets(),
                TOPICS.labels(),
                TOPICS.allowlist(),
                TOPICS.prices(),
                TOPICS.signedTx(),
                TOPICS.alerts())) {
            assertThat(deadByTopic.get(topic))
                    .as("the bad records of %s in the dead-letter topic", topic)
                    .isNotNull()
                    .containsAll(kinds.keySet());
        }

        // The global tables are rebuilt from their topics at every start: the bad records are met again.
        SimpleMeterRegistry again = new SimpleMeterRegistry();
        try (Detector detector = Detector.start(config(), again);
                KafkaProducer<byte[], byte[]> producer = producer()) {
            assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                    .as("detector starts again over the bad records")
                    .isTrue();
            chain.nextBlock();
            send(
                    producer,
                    CATALOGUE.transfers().record(chain.eth(wallet(2), address(0xb2), ETH, ETH, BigInteger.ZERO)));
            awaitAlert(wallet(2));
            assertThat(detector.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** The bad values, by kind: each is sent to every input topic. */
    private static Map<String, byte[]> badValues(Random random) {
        Map<String, byte[]> kinds = new LinkedHashMap<>();
        byte[] garbage = new byte[64];
        random.nextBytes(garbage);
        kinds.put("random", garbage);
        kinds.put("json", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        kinds.put("empty", new byte[0]);
        // Avro single-object encoding (C3 01, then the schema's fingerprint): a schema no version here has
        ByteBuffer newer = ByteBuffer.allocate(2 + 8 + 16);
        newer.put((byte) 0xC3).put((byte) 0x01).putLong(0x5eed5eed5eed5eedL);
        byte[] payload = new byte[16];
        random.nextBytes(payload);
        newer.put(payload);
        kinds.put("unknown-schema", newer.array());
        byte[] big = new byte[OVERSIZED];
        random.nextBytes(big);
        kinds.put("oversized", big);
        return kinds;
    }

    private static String kindOf(byte[] value, Map<String, byte[]> kinds) {
        for (Map.Entry<String, byte[]> k : kinds.entrySet()) {
            if (java.util.Arrays.equals(k.getValue(), value)) {
                return k.getKey();
            }
        }
        return "other";
    }

    private DetectorConfig config() {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.state.dir", stateDir.toString());
        settings.put("application.id", "bad-input-it");
        settings.put("kafka.commit.interval.ms", "200");
        settings.put("kafka.num.stream.threads", "1");
        return DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
    }

    private static String wallet(int i) {
        return address(0x7000 + i);
    }

    private static WatchedWallet watched(String wallet) {
        return WatchedWallet.newBuilder()
                .setChainId(1)
                .setAddress(wallet)
                .setCustodyGroup("retail")
                .build();
    }

    private static TokenPrice native3000() {
        return TokenPrice.newBuilder()
                .setChainId(1)
                .setAsset("native")
                .setUsdPrice(3000)
                .setDecimals(18)
                .setUpdatedAt(Instant.now())
                .build();
    }

    private static void awaitAlert(String wallet) {
        Awaitility.await("a balance-drain alert on " + wallet)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> KAFKA.readCommitted(TOPICS.alerts()).stream()
                        .map(r -> {
                            try {
                                return CATALOGUE.alerts().decode(r.value());
                            } catch (RuntimeException e) {
                                return null; // one of the bad records written to the alerts topic
                            }
                        })
                        .filter(java.util.Objects::nonNull)
                        .anyMatch(a -> a.getSubject().equals(wallet)
                                && a.getRule().equals("balance-drain")
                                && a.getStatus() == AlertStatus.FIRING
                                // high: the $3,000 drain was priced with the last good price
                                && a.getSeverity() == Severity.HIGH));
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> map = new HashMap<>();
        for (Header h : r.headers()) {
            map.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return map;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>(KAFKA.producerProps());
        props.put("max.request.size", 2 * 1024 * 1024);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<String, byte[]> record) {
        send(producer, record, "valid");
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, ProducerRecord<String, byte[]> record, String kind) {
        try {
            producer.send(new ProducerRecord<>(
                            record.topic(), record.key().getBytes(StandardCharsets.UTF_8), record.value()))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write a " + kind + " record to " + record.topic(), e);
        }
    }
}
