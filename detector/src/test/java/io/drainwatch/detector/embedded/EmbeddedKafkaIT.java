package io.drainwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.cli.Drainwatch;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The embedded single-node KRaft broker behaves like Kafka: records, groups, transactions, topic configs. */
class EmbeddedKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    @Test
    void listensOnLoopbackOnAFreePortAndCleansUpItsTemporaryDirectory() {
        assertThat(KAFKA.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        Path dir;
        try (EmbeddedKafka other = EmbeddedKafka.start()) {
            dir = other.dataDir();
            assertThat(other.bootstrapServers()).isNotEqualTo(KAFKA.bootstrapServers());
            assertThat(dir).isDirectory();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void consumerGroupReadsWhatWasProducedAndCommitsItsPosition() throws Exception {
        KAFKA.createTopic("it.plain", 2, 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("it.plain", "k" + i, "v" + i));
            }
            producer.flush();
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KAFKA.consumerProps("it-plain-group"))) {
            consumer.subscribe(List.of("it.plain"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= 6;
            });
            consumer.commitSync();
        }
        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
        Map<TopicPartition, OffsetAndMetadata> committed = KAFKA.admin()
                .listConsumerGroupOffsets("it-plain-group")
                .partitionsToOffsetAndMetadata()
                .get();
        assertThat(committed.values().stream()
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum())
                .isEqualTo(6);
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
        KAFKA.createTopic("it.tx", 1, 1);
        Map<String, Object> props = KAFKA.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("it.tx", "a", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("it.tx", "c", "committed"));
            producer.commitTransaction();
        }
        Map<String, Object> consumerProps = KAFKA.consumerProps("it-tx-reader");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> committed = readAll("it.tx", consumerProps, 1);

        Map<String, Object> uncommittedProps = KAFKA.consumerProps("it-tx-dirty-reader");
        uncommittedProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> everything = readAll("it.tx", uncommittedProps, 2);

        assertThat(committed).containsExactly("committed");
        assertThat(everything).containsExactly("aborted", "committed");
    }

    @Test
    void topicSetupCreatesEveryTopicOnceWithCompactionWhereTheDesignSaysSo() throws Exception {
        Topics topics = prefixed("it.setup.");
        TopicSetup setup = new TopicSetup(KAFKA.admin(), Duration.ofSeconds(20));

        TopicSetup.Outcome first = setup.createAll(topics, 3, (short) 1);
        TopicSetup.Outcome second = setup.createAll(topics, 3, (short) 1);

        List<String> every = new ArrayList<>(topics.streams());
        every.addAll(topics.compacted());
        assertThat(first.created()).containsExactlyInAnyOrderElementsOf(every);
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).containsExactlyInAnyOrderElementsOf(every);

        Map<String, String> policies = cleanupPolicies(every);
        for (String compacted : topics.compacted()) {
            assertThat(policies).containsEntry(compacted, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        for (String stream : topics.streams()) {
            assertThat(policies).containsEntry(stream, TopicConfig.CLEANUP_POLICY_DELETE);
        }
        Map<String, TopicDescription> described =
                KAFKA.admin().describeTopics(every).allTopicNames().get();
        assertThat(described.values())
                .allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
    }

    @Test
    void topicsCreateCommandCreatesTheTopicsOnAGivenCluster() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "topics",
                        "create",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "--partitions",
                        "2",
                        "--replication-factor",
                        "1",
                        "--topic",
                        "alerts=it.cli.alerts",
                        "--topic",
                        "incidents=it.cli.incidents");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("created it.cli.alerts", "created it.cli.incidents");
        assertThat(cleanupPolicies(List.of("it.cli.alerts", "it.cli.incidents")))
                .containsEntry("it.cli.alerts", "delete")
                .containsEntry("it.cli.incidents", "compact");
    }

    @Test
    void anExistingReferenceTopicThatIsNotCompactedIsReported() throws Exception {
        KAFKA.createTopic("it.wrong.wallets", 1, 1);
        StringWriter err = new StringWriter();

        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err))
                .execute(
                        "topics",
                        "create",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "--partitions",
                        "1",
                        "--replication-factor",
                        "1",
                        "--topic",
                        "wallets=it.wrong.wallets",
                        "--topic",
                        "alerts=it.wrong.alerts");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("it.wrong.wallets: cleanup.policy is delete, drainwatch needs compact");
    }

    @Test
    void topicsCreateCommandRejectsAZeroPartitionCountAsAConfigurationError() {
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setErr(new PrintWriter(err))
                .execute("topics", "create", "-b", KAFKA.bootstrapServers(), "--partitions", "0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--partitions");
    }

    /** Every topic renamed, so this test owns them whatever other tests created. */
    private static Topics prefixed(String prefix) {
        return Topics.from(Topics.ROLES.stream().collect(Collectors.toMap(r -> "topic." + r, r -> prefix + r)));
    }

    @Test
    void aGivenDataDirectoryKeepsItsRecordsAcrossRestartsAndIsNotDeleted(@TempDir Path dir) throws Exception {
        EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults().withDataDir(dir);
        try (EmbeddedKafka first = EmbeddedKafka.start(options);
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                first.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new StringSerializer())) {
            producer.send(new ProducerRecord<>("it.kept", "k", "kept")).get(20, TimeUnit.SECONDS);
        }
        assertThat(dir.resolve("node-0/meta.properties")).exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(options)) {
            Map<String, Object> props = KAFKA.consumerProps("it-kept");
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers());
            assertThat(readAll("it.kept", props, 1)).containsExactly("kept");
        }
    }

    @Test
    void aFixedPortIsTheOneAdvertised() throws Exception {
        int port;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (EmbeddedKafka fixed =
                EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withPort(port))) {
            assertThat(fixed.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(fixed.nodeCount()).isEqualTo(1);
        }
    }

    private static List<String> readAll(String topic, Map<String, Object> props, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
            // a further poll proves nothing else (such as the aborted record) is waiting behind them
            consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static Map<String, String> cleanupPolicies(Collection<String> topics) throws Exception {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs =
                KAFKA.admin().describeConfigs(resources).all().get();
        return configs.entrySet().stream()
                .collect(Collectors.toMap(
                        e -> e.getKey().name(),
                        e -> e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
    }
}
