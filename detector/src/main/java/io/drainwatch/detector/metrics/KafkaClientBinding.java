package io.drainwatch.detector.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Exposes a Kafka client's own metrics (consumer lag, fetch and produce rates, Streams thread and task
 * metrics) through Micrometer, named {@code kafka_consumer_*}, {@code kafka_producer_*} and
 * {@code kafka_stream_*}. Close the binding before closing the client.
 */
public final class KafkaClientBinding implements AutoCloseable {
    private final AutoCloseable binder;

    private KafkaClientBinding(AutoCloseable binder) {
        this.binder = binder;
    }

    /** Binds the metrics of a Kafka Streams instance, including those of its embedded clients. */
    public static KafkaClientBinding streams(MeterRegistry registry, KafkaStreams streams) {
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
        return new KafkaClientBinding(metrics);
    }

    /** Binds the metrics of a plain consumer. */
    public static KafkaClientBinding consumer(MeterRegistry registry, Consumer<?, ?> consumer) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(registry);
        return new KafkaClientBinding(metrics);
    }

    /** Binds the metrics of a producer. */
    public static KafkaClientBinding producer(MeterRegistry registry, Producer<?, ?> producer) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        return new KafkaClientBinding(metrics);
    }

    @Override
    public void close() {
        try {
            binder.close();
        } catch (Exception e) {
            // The binders only cancel their refresh task; nothing an operator could act on.
        }
    }
}
