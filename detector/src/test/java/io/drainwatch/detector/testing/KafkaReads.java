package io.drainwatch.detector.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * What tests and harnesses read back from a running cluster: a topic read committed to its end, whether a
 * Kafka Streams application has processed all its input, whether one of its transactions is still open.
 * {@link KafkaClusterExtension} offers the same for its cluster; a harness that starts its own cluster
 * (the chaos harness, run by {@code bin/chaos}) builds one from the bootstrap servers.
 */
public final class KafkaReads {
    private final String bootstrapServers;
    private final Admin admin;

    /** Reads through {@code bootstrapServers}; {@code admin} (owned by the caller) answers group offsets. */
    public KafkaReads(String bootstrapServers, Admin admin) {
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
    }

    /**
     * Every committed record of {@code topic} (read committed), read up to the end offsets taken when
     * reading starts; fails after 30 s naming the offsets it could not reach.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Map<String, Object> props = new HashMap<>(consumerProps("reader-" + System.nanoTime()));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
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

    /**
     * How long the group must stay caught up, its offsets unchanged, to count as done: a stage passes a
     * progress tick on up to 50 ms (wall clock) after it came, and a transaction commits every 100 ms, so
     * a group can look caught up for a moment while a tick it holds has more to let go.
     */
    private static final Duration SETTLED = Duration.ofSeconds(1);

    /**
     * Waits up to {@code within} until the committed offsets of {@code applicationId}'s group cover the
     * last record of every partition it reads, and have stayed so, unchanged, for a second: a Kafka
     * Streams application has processed all its input, including what its paced ticks let go.
     */
    public void awaitCaughtUp(String applicationId, Duration within) {
        AtomicReference<Map<TopicPartition, OffsetAndMetadata>> seen = new AtomicReference<>();
        AtomicLong since = new AtomicLong();
        Awaitility.await(applicationId + " caught up")
                .atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    if (!caughtUp(committed)) {
                        seen.set(null);
                        return false;
                    }
                    if (!committed.equals(seen.get())) {
                        seen.set(committed);
                        since.set(System.nanoTime());
                        return false;
                    }
                    return System.nanoTime() - since.get() >= SETTLED.toNanos();
                });
    }

    /** Whether {@code committed} offsets cover the last committed record of every partition in them. */
    private boolean caughtUp(Map<TopicPartition, OffsetAndMetadata> committed) {
        if (committed.isEmpty()) {
            return false;
        }
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new HashMap<>();
        for (TopicPartition partition : committed.keySet()) {
            byTopic.computeIfAbsent(partition.topic(), this::readCommitted);
        }
        return committed.entrySet().stream().allMatch(e -> {
            long next = byTopic.get(e.getKey().topic()).stream()
                    .filter(r -> r.partition() == e.getKey().partition())
                    .mapToLong(r -> r.offset() + 1)
                    .max()
                    .orElse(0);
            return e.getValue() != null && e.getValue().offset() >= next;
        });
    }

    /**
     * Whether no transaction of {@code applicationId} (transactional ids {@code applicationId-...}) is
     * open. Asks with a client of its own: one that has seen a broker stop and start can be left with a
     * broker set that no longer matches (IllegalArgumentException: Unexpected key set).
     */
    public boolean noOpenTransaction(String applicationId) throws InterruptedException {
        try (Admin own = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return own.listTransactions().all().get().stream()
                    .filter(t -> t.transactionalId().startsWith(applicationId + "-"))
                    .noneMatch(t -> t.state() == TransactionState.ONGOING);
        } catch (ExecutionException e) {
            return false;
        }
    }

    /**
     * Waits up to {@code within} until no transaction of {@code applicationId} is open. A killed instance
     * leaves its transaction open until the broker aborts it (the producer's transaction timeout, then the
     * broker's next sweep), and until then a read-committed reader stops at it: records committed after it
     * by the instances still running are not visible yet.
     */
    public void awaitNoOpenTransaction(String applicationId, Duration within) {
        Awaitility.await("no open transaction of " + applicationId)
                .atMost(within)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> noOpenTransaction(applicationId));
    }

    /** Consumer settings: bootstrap servers, string serdes, earliest offsets, the given group. */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return props;
    }
}
