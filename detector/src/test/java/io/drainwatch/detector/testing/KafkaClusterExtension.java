package io.drainwatch.detector.testing;

import io.drainwatch.detector.embedded.EmbeddedKafka;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One real Kafka cluster per test class. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();}</pre>
 *
 * Before the first test it proves the cluster can take a write, serve a read and form a consumer
 * group, so a broken cluster fails there with a clear message and not as a timeout inside a test.
 *
 * <p>The cluster is the in-JVM one ({@link EmbeddedKafka}) unless the system property {@value
 * #CLUSTER_PROPERTY} is {@value #TESTCONTAINERS}, which {@code ./mvnw -Ptestcontainers verify} sets:
 * then a single-node class runs against one {@code apache/kafka} container of the same Kafka
 * version (Docker needed). Classes that need several nodes or stop and start them ({@link
 * #nodes(int)}, {@link #cluster()}) need the in-JVM cluster and fail under that profile saying so.
 */
public final class KafkaClusterExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, TestExecutionExceptionHandler {
    /** System property that chooses the cluster: {@value #IN_JVM} (the default) or {@value #TESTCONTAINERS}. */
    public static final String CLUSTER_PROPERTY = "drainwatch.test.kafka";

    public static final String IN_JVM = "in-jvm";
    public static final String TESTCONTAINERS = "testcontainers";

    /** Compiled only under {@code -Ptestcontainers}, so that the default build needs no Testcontainers jar. */
    private static final String CONTAINER_CLASS = "io.drainwatch.detector.testing.ContainerKafka";

    private static final Duration READY = Duration.ofSeconds(30);
    /** How long a test waits for the cluster to answer before it fails, naming the broker. */
    private static final Duration REACHABLE = Duration.ofSeconds(10);

    private final EmbeddedKafka.Options options;
    private @Nullable TestKafka kafka;
    private @Nullable Admin admin;
    private long startMillis;

    private KafkaClusterExtension(EmbeddedKafka.Options options) {
        this.options = options;
    }

    /** One combined broker+controller node. */
    public static KafkaClusterExtension singleNode() {
        return new KafkaClusterExtension(EmbeddedKafka.Options.defaults());
    }

    /** {@code count} nodes, internal topics replicated to all of them. */
    public static KafkaClusterExtension nodes(int count) {
        return new KafkaClusterExtension(EmbeddedKafka.Options.defaults().withNodes(count));
    }

    /** The same cluster with broker setting {@code key} set to {@code value} on every node. */
    public KafkaClusterExtension withBrokerConfig(String key, String value) {
        return new KafkaClusterExtension(options.withBrokerConfig(key, value));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        long began = System.nanoTime();
        kafka = start(options, context.getRequiredTestClass().getSimpleName());
        startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        checkRoundTrip();
        System.out.printf(
                "Kafka cluster=\"%s\" startMs=%d readyMs=%d%n",
                kafka.describe(), startMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /** Each test starts on a cluster that answers, or fails at once naming the broker it cannot reach. */
    @Override
    public void beforeEach(ExtensionContext context) {
        try {
            admin().describeCluster().nodes().get(REACHABLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Kafka (" + running().describe() + ") at " + bootstrapServers() + " did not answer within "
                            + REACHABLE + ": " + e,
                    e);
        }
    }

    /**
     * A failing test carries the cluster's state at the moment it failed (brokers, partition leaders,
     * what the Kafka threads were doing), so a broker that stalled shows in the report.
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (kafka != null && admin != null) {
            failure.addSuppressed(new ClusterState(ClusterState.describe(kafka.bootstrapServers(), admin)));
        }
        throw failure;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /**
     * The running in-JVM cluster, whose nodes a test can stop and start. Under {@code -Ptestcontainers}
     * there is none: the test fails saying it needs the in-JVM cluster.
     */
    public EmbeddedKafka cluster() {
        if (running() instanceof InJvmKafka inJvm) {
            return inJvm.cluster();
        }
        throw new IllegalStateException("this test stops and starts Kafka nodes, which needs the in-JVM cluster; it"
                + " runs against " + running().describe() + " (" + CLUSTER_PROPERTY + "=" + TESTCONTAINERS
                + "). Run it without -Ptestcontainers (bin/test).");
    }

    /** Bootstrap servers of the running nodes. */
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** Milliseconds the cluster took to start (nodes up, brokers registered). */
    public long startMillis() {
        return startMillis;
    }

    /** An admin client shared by the test class; closed after the last test. */
    public Admin admin() {
        if (admin == null) {
            throw new IllegalStateException("the Kafka cluster runs only between beforeAll and afterAll");
        }
        return admin;
    }

    /** Creates a topic and waits until the brokers serve every partition of it. */
    public void createTopic(String name, int partitions, int replicationFactor) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor)))
                    .all()
                    .get(READY.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
        Awaitility.await("leaders of " + name)
                .atMost(READY)
                .ignoreExceptions()
                .until(() -> admin().describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    }

    /**
     * Producer settings: bootstrap servers, string serdes, acks=all, and timeouts of seconds, so a
     * broker that does not answer fails the test quickly instead of after the producer's two minutes.
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REACHABLE.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REACHABLE.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (2 * REACHABLE.toMillis()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return props;
    }

    /**
     * Every committed record of {@code topic} (read committed), read up to the end offsets taken when
     * reading starts; fails after 30 s naming the offsets it could not reach.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return reads().readCommitted(topic);
    }

    /**
     * Waits up to {@code within} until the committed offsets of {@code applicationId}'s group cover the
     * last record of every partition it reads: a Kafka Streams application has processed all its input.
     */
    public void awaitCaughtUp(String applicationId, Duration within) {
        reads().awaitCaughtUp(applicationId, within);
    }

    /** Whether no transaction of {@code applicationId} is open ({@link KafkaReads#noOpenTransaction}). */
    public boolean noOpenTransaction(String applicationId) throws InterruptedException {
        return reads().noOpenTransaction(applicationId);
    }

    /** Consumer settings: bootstrap servers, string serdes, earliest offsets, the given group. */
    public Map<String, Object> consumerProps(String groupId) {
        return reads().consumerProps(groupId);
    }

    /** Reads of this cluster, for code that takes a {@link KafkaReads}. */
    public KafkaReads reads() {
        return new KafkaReads(bootstrapServers(), admin());
    }

    private TestKafka running() {
        if (kafka == null) {
            throw new IllegalStateException("the Kafka cluster runs only between beforeAll and afterAll");
        }
        return kafka;
    }

    /** The one place that chooses the cluster. */
    private static TestKafka start(EmbeddedKafka.Options options, String testClass) {
        String choice = System.getProperty(CLUSTER_PROPERTY, IN_JVM);
        switch (choice) {
            case IN_JVM -> {
                return new InJvmKafka(EmbeddedKafka.start(options), options.nodes());
            }
            case TESTCONTAINERS -> {
                if (options.nodes() != 1) {
                    throw new IllegalStateException(testClass + " needs " + options.nodes()
                            + " Kafka nodes, which only the in-JVM cluster has: -Ptestcontainers runs one"
                            + " apache/kafka container. Run it without -Ptestcontainers (bin/test).");
                }
                return startContainer();
            }
            default ->
                throw new IllegalStateException(
                        CLUSTER_PROPERTY + "=" + choice + ": accepted values are " + IN_JVM + " and " + TESTCONTAINERS);
        }
    }

    private static TestKafka startContainer() {
        Class<?> type;
        try {
            type = Class.forName(CONTAINER_CLASS);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(CLUSTER_PROPERTY + "=" + TESTCONTAINERS + " needs the test classes of the"
                    + " testcontainers profile: run ./mvnw -Ptestcontainers verify");
        }
        try {
            return (TestKafka) type.getMethod("start").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("cannot start the Kafka container: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the Kafka container through " + CONTAINER_CLASS, e);
        }
    }

    /** The in-JVM cluster: the default, and the CI path. */
    private record InJvmKafka(EmbeddedKafka cluster, int nodes) implements TestKafka {
        @Override
        public String bootstrapServers() {
            return cluster.bootstrapServers();
        }

        @Override
        public String describe() {
            return nodes + " in-JVM node" + (nodes == 1 ? "" : "s");
        }

        @Override
        public void close() {
            cluster.close();
        }
    }

    private void checkRoundTrip() {
        String topic = "fixture.ready." + UUID.randomUUID();
        createTopic(topic, 1, options.nodes());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>(topic, "ready", "ready")).get(READY.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka (" + running().describe() + ") cannot take a write", e);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("fixture-ready"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + READY.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if ("ready".equals(record.value())) {
                        consumer.commitSync();
                        return;
                    }
                }
            }
            throw new IllegalStateException(
                    "Kafka (" + running().describe() + "): the consumer group read nothing within " + READY);
        }
    }
}
