package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.testing.KafkaReads;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
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
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plays a seeded {@link SweepScenario} through the real detector on a test cluster and reads back what it
 * wrote: each run gets topics and an application id of its own, so several runs share one cluster and
 * can be compared.
 */
final class ScenarioPlayer {
    /** One run's topics and detector settings. */
    record Run(String name, Topics topics, Map<String, String> settings, String bootstrapServers) {
        DetectorConfig config() {
            return DetectorConfig.withOverrides(settings, bootstrapServers);
        }

        String applicationId() {
            return config().applicationId();
        }

        /** The same application with its state in {@code stateDir}: another instance of it. */
        Run instance(Path stateDir) {
            Map<String, String> other = new HashMap<>(settings);
            other.put("kafka.state.dir", stateDir.toString());
            return new Run(name, topics, Map.copyOf(other), bootstrapServers);
        }
    }

    private final KafkaClusterExtension kafka;

    ScenarioPlayer(KafkaClusterExtension kafka) {
        this.kafka = kafka;
    }

    /**
     * A run named {@code name}: its topics ({@code partitions} each, replicated {@code replicas} times)
     * created and the scenario's reference data written; {@code extra} settings on top of the test's.
     */
    Run prepare(
            String name,
            SweepScenario scenario,
            int partitions,
            short replicas,
            Path stateDir,
            Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.putAll(RunTopics.of(name));
        Topics topics = Topics.from(settings);
        settings.put("kafka.state.dir", stateDir.resolve(name).toString());
        settings.put("application.id", "replay-" + name);
        settings.put("kafka.commit.interval.ms", "200");
        settings.putAll(extra);
        new TopicSetup(kafka.admin(), Duration.ofSeconds(30)).createAll(topics, partitions, replicas);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            reference(producer, topics, scenario);
        }
        return new Run(name, topics, Map.copyOf(settings), kafka.bootstrapServers());
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(kafka.producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static List<List<TransferEvent>> blocks(List<TransferEvent> events) {
        Map<Long, List<TransferEvent>> byBlock = new TreeMap<>();
        events.forEach(e -> byBlock.computeIfAbsent(e.getBlockNumber(), b -> new ArrayList<>())
                .add(e));
        return new ArrayList<>(byBlock.values());
    }

    static Detector start(DetectorConfig config) {
        Detector detector = Detector.start(config, new SimpleMeterRegistry());
        assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                .as("detector reaches RUNNING")
                .isTrue();
        return detector;
    }

    /**
     * Writes one block's transfers between two progress ticks, as the ingestor writes a step: one through
     * the block before, one through the block.
     */
    static void writeBlock(KafkaProducer<byte[], byte[]> producer, Topics topics, List<TransferEvent> block) {
        TransferEvent last = block.get(block.size() - 1);
        tick(producer, topics, last.getChainId(), last.getBlockNumber() - 1);
        write(producer, topics, block);
        tick(producer, topics, last.getChainId(), last.getBlockNumber());
    }

    /** A progress tick in every partition of the transfers topic: every transfer through {@code block} is written. */
    static void tick(KafkaProducer<byte[], byte[]> producer, Topics topics, long chainId, long block) {
        int partitions = producer.partitionsFor(topics.transfers()).size();
        for (ProducerRecord<String, byte[]> r :
                new ProgressTick(chainId, block, partitions).records(topics.transfers())) {
            try {
                producer.send(new ProducerRecord<>(
                                r.topic(), r.partition(), r.key().getBytes(StandardCharsets.UTF_8), null, r.headers()))
                        .get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot write to " + topics.transfers(), e);
            }
        }
    }

    /** Writes transfers, with no progress tick (the detector's gate waits, then judges them anyway). */
    static void write(KafkaProducer<byte[], byte[]> producer, Topics topics, List<TransferEvent> block) {
        for (TransferEvent e : block) {
            send(
                    producer,
                    topics.transfers(),
                    Keys.address(e.getChainId(), e.getFrom()),
                    AvroSerde.of(TransferEvent.class).encode(e));
        }
    }

    private static void reference(KafkaProducer<byte[], byte[]> producer, Topics topics, SweepScenario scenario) {
        for (String w : scenario.fleet()) {
            send(
                    producer,
                    topics.wallets(),
                    Keys.address(1, w),
                    encode(WatchedWallet.newBuilder()
                            .setChainId(1)
                            .setAddress(w)
                            .setCustodyGroup("retail")
                            .build()));
        }
        send(
                producer,
                topics.allowlist(),
                Keys.allowed(1, SweepScenario.HOT, Keys.EVERY_GROUP),
                encode(AllowedCounterparty.newBuilder()
                        .setChainId(1)
                        .setAddress(SweepScenario.HOT)
                        .setCustodyGroup(Keys.EVERY_GROUP)
                        .setKind(CounterpartyKind.OWN_HOT)
                        .build()));
        send(
                producer,
                topics.labels(),
                Keys.everyChain(SweepScenario.EXCHANGE),
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
                Keys.price(1, asset),
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
    void awaitCaughtUp(String applicationId) {
        kafka.awaitCaughtUp(applicationId, Duration.ofSeconds(120));
    }

    /** Waits until no transaction of {@code applicationId} is open ({@link KafkaReads#awaitNoOpenTransaction}). */
    void awaitNoOpenTransaction(String applicationId) {
        kafka.reads().awaitNoOpenTransaction(applicationId, Duration.ofSeconds(120));
    }

    /** What {@code run} wrote: read committed, to the end offsets, once no transaction of it is open. */
    RunOutcome outcome(Run run) {
        awaitNoOpenTransaction(run.applicationId());
        return RunOutcome.read(kafka.reads(), run.topics());
    }
}
