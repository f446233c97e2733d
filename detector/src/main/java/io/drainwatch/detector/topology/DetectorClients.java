package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/** Kafka clients for the detector: the defaults, except a main consumer that pre-filters transfers. */
final class DetectorClients implements KafkaClientSupplier {
    private final String transfersTopic;
    private final Supplier<WatchedWalletsStore> watched;
    private final DetectorMetrics metrics;

    DetectorClients(String transfersTopic, Supplier<WatchedWalletsStore> watched, DetectorMetrics metrics) {
        this.transfersTopic = transfersTopic;
        this.watched = watched;
        this.metrics = metrics;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new PrefilteringConsumer(config, transfersTopic, watched, metrics);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
