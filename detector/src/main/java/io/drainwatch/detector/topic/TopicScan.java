package io.drainwatch.detector.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One pass over a topic's committed records, outside any consumer group: every partition from the
 * first record written at or after a time up to the end offsets taken when the pass starts. Tombstones
 * are passed over; a record that does not decode throws.
 */
public final class TopicScan {
    private TopicScan() {}

    /** Receives each record with its decoded value. */
    @FunctionalInterface
    public interface Sink<T> {
        void accept(ConsumerRecord<String, byte[]> record, T value);
    }

    /**
     * Reads {@code from} through {@code client} (its bootstrap servers and security; a group id is
     * dropped), records written at or after {@code since} (epoch ms; 0 for all).
     *
     * @throws IllegalStateException when the end is not reached within {@code within}
     */
    public static <T extends SpecificRecord> void read(
            Map<String, Object> client, Topic<T> from, long since, Duration within, Sink<T> sink) {
        String topic = from.name();
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> Math.max(0, since))));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = start.get(p);
                consumer.seek(p, at == null ? end.getOrDefault(p, 0L) : at.offset());
            }
            long deadline = System.nanoTime() + within.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.getOrDefault(p, 0L))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read topic " + topic + " to its end within " + within);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        sink.accept(r, from.decode(r.value()));
                    }
                }
            }
        }
    }
}
