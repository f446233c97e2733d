package io.drainwatch.detector.chain;

import io.drainwatch.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as a downstream consumer would: read_committed, from the beginning, decoded. */
final class TopicReader<T extends SpecificRecord> implements AutoCloseable {
    /** A record with its key. */
    record Keyed<T>(String key, T value) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<T> serde;
    private final List<Keyed<T>> seen = new ArrayList<>();

    TopicReader(String bootstrap, String topic, Class<T> type) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.serde = AvroSerde.of(type);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything committed to the topic so far (read up to the end offsets as of this call). */
    List<Keyed<T>> all() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        do {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.value() != null) { // a progress tick of the transfers topic has none
                    seen.add(new Keyed<>(r.key(), serde.decode(r.value())));
                }
            }
        } while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()));
        return List.copyOf(seen);
    }

    List<T> values() {
        return all().stream().map(Keyed::value).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
