package io.drainwatch.detector.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.TaskId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of the global tables (watched wallets, labels, allowlist, prices, heads, signed
 * transactions, the alerts read back for taint). Kafka Streams sends dead letters only for stream
 * tasks: for a global table it logs that it cannot and drops them. This sends what its exception
 * handler built, unchanged (the original bytes, the source topic, partition, offset and exception in
 * the {@code __streams.errors.*} headers), with a producer of its own made at the first one. A global
 * table is rebuilt from its topic at every start, so a bad record there is sent again at each start:
 * the headers' topic, partition and offset tell the copies apart.
 */
final class GlobalDeadLetters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalDeadLetters.class);

    private final Map<String, Object> producerProperties;
    private @Nullable KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    GlobalDeadLetters(Map<String, Object> producerProperties) {
        Map<String, Object> props = new HashMap<>(producerProperties);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producerProperties = props;
    }

    /** Whether {@code task} is the global thread's (Kafka Streams gives it the id {@code -1_-1}). */
    static boolean global(@Nullable TaskId task) {
        return task == null || task.subtopology() < 0;
    }

    /** Sends {@code records} and waits until the broker has them: a dead letter is not to be lost. */
    synchronized void send(List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        if (closed) {
            LOG.warn("event=dead_letters_dropped records={} reason=\"the detector is closing\"", records.size());
            return;
        }
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
        }
        KafkaProducer<byte[], byte[]> p = producer;
        records.forEach(p::send);
        p.flush();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
