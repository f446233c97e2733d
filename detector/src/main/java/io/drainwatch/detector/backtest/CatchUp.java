package io.drainwatch.detector.backtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tells when the detector has caught up: its committed offsets cover every committed record of every
 * topic its tasks read (the chain topics and its repartition topics). Transaction markers and aborted
 * records after a committed offset count as covered. Since a task commits its input offsets together
 * with what it wrote, nothing is in flight once two checks in a row find every partition covered with
 * the same end offsets.
 */
final class CatchUp implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final String applicationId;
    private final List<String> inputs;
    private Map<TopicPartition, Long> previous = Map.of();

    CatchUp(Map<String, Object> clientProperties, String applicationId, List<String> inputs) {
        this.admin = Admin.create(clientProperties);
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "drainwatch-backtest-catch-up");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.applicationId = applicationId;
        this.inputs = List.copyOf(inputs);
    }

    /** One check; true when this and the previous check both found the detector caught up at the same ends. */
    boolean caughtUp() throws InterruptedException {
        try {
            List<TopicPartition> partitions = partitions();
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions, CALL);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata()
                    .get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            boolean covered = true;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                if (!covered(p, c == null ? 0 : c.offset(), ends.getOrDefault(p, 0L))) {
                    covered = false;
                    break;
                }
            }
            boolean stable = covered && ends.equals(previous);
            previous = covered ? ends : Map.of();
            return stable;
        } catch (ExecutionException | TimeoutException e) {
            previous = Map.of();
            return false;
        }
    }

    /** Whether no committed record of {@code partition} lies between {@code from} and {@code end}. */
    private boolean covered(TopicPartition partition, long from, long end) {
        if (from >= end) {
            return true;
        }
        reader.assign(List.of(partition));
        reader.seek(partition, from);
        long deadline = System.nanoTime() + CALL.toNanos();
        while (reader.position(partition, CALL) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                if (r.offset() < end) {
                    return false;
                }
            }
        }
        return reader.position(partition, CALL) >= end;
    }

    private List<TopicPartition> partitions() throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> names = admin.listTopics().names().get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        List<String> topics = new ArrayList<>(inputs);
        names.stream()
                .filter(n -> n.startsWith(applicationId + "-") && n.endsWith("-repartition"))
                .sorted()
                .forEach(topics::add);
        Map<String, TopicDescription> described =
                admin.describeTopics(topics).allTopicNames().get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            Objects.requireNonNull(described.get(topic), topic)
                    .partitions()
                    .forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    @Override
    public void close() {
        reader.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
