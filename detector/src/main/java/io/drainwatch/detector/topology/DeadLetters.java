package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;

/**
 * Exception handlers that keep processing after a bad record: Kafka Streams writes the record's
 * original bytes to the dead-letter topic with the exception in its headers, and these count it.
 */
final class DeadLetters {
    /** Config key under which the detector passes its metrics to the handlers. */
    static final String METRICS = "drainwatch.detector.metrics";

    private DeadLetters() {}

    /** For records that cannot be deserialized at a source. */
    public static final class Deserialization extends LogAndContinueExceptionHandler {
        private @Nullable DetectorMetrics metrics;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = (DetectorMetrics) configs.get(METRICS);
        }

        @Override
        public DeserializationExceptionHandler.Response handleError(
                ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (metrics != null) {
                metrics.deadLetter("deserialization");
            }
            return super.handleError(context, record, exception);
        }
    }

    /** For records a processor fails on (including transfers the filter cannot parse). */
    public static final class Processing extends LogAndContinueProcessingExceptionHandler {
        private @Nullable DetectorMetrics metrics;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = (DetectorMetrics) configs.get(METRICS);
        }

        @Override
        public ProcessingExceptionHandler.Response handleError(
                ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (metrics != null) {
                metrics.deadLetter(
                        exception instanceof org.apache.kafka.common.errors.SerializationException
                                ? "malformed"
                                : "processing");
            }
            return super.handleError(context, record, exception);
        }
    }
}
