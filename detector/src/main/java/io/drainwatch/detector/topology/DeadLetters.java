package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exception handlers that keep processing after a bad record: Kafka Streams writes the record's
 * original bytes to the dead-letter topic with the exception in its headers, and these count it. For
 * the global tables, whose dead letters Kafka Streams drops, {@link GlobalDeadLetters} sends them.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Config key under which the detector passes its metrics to the handlers. */
    static final String METRICS = "drainwatch.detector.metrics";
    /** Config key under which the detector passes the sender of the global tables' dead letters. */
    static final String GLOBAL = "drainwatch.detector.global-dead-letters";

    private DeadLetters() {}

    /** For records that cannot be deserialized at a source. */
    public static final class Deserialization extends LogAndContinueExceptionHandler {
        private Reporting reporting = Reporting.NONE;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            reporting = Reporting.from(configs);
        }

        @Override
        public DeserializationExceptionHandler.Response handleError(
                ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            reporting.count("deserialization");
            DeserializationExceptionHandler.Response response = super.handleError(context, record, exception);
            return reporting.sentForGlobal(context, response.deadLetterQueueRecords())
                    ? DeserializationExceptionHandler.Response.resume()
                    : response;
        }
    }

    /**
     * For records a processor fails on (including transfers the filter cannot parse). Only a failure that
     * the record itself causes sends it to the dead-letter topic: a failure of Kafka or of a state store
     * met while processing it (a write the producer refused, a store that is closing) says nothing about the
     * record, and resuming would keep what the processor had already written to its stores (a wallet's
     * event marked as seen) while losing what it was forwarding (the alert). Those fail the stream thread
     * instead: the transaction is aborted, the thread is replaced and the record processed again.
     */
    public static final class Processing extends LogAndContinueProcessingExceptionHandler {
        private Reporting reporting = Reporting.NONE;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            reporting = Reporting.from(configs);
        }

        @Override
        public ProcessingExceptionHandler.Response handleError(
                ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (!causedByRecord(exception)) {
                LOG.warn(
                        "event=processing_failed action=retry processor={} topic={} partition={} offset={} error={}",
                        context.processorNodeId(),
                        context.topic(),
                        context.partition(),
                        context.offset(),
                        exception.toString());
                return ProcessingExceptionHandler.Response.fail();
            }
            reporting.count(exception instanceof SerializationException ? "malformed" : "processing");
            ProcessingExceptionHandler.Response response = super.handleError(context, record, exception);
            return reporting.sentForGlobal(context, response.deadLetterQueueRecords())
                    ? ProcessingExceptionHandler.Response.resume()
                    : response;
        }
    }

    /** Where the handlers report: the detector's metrics, and the sender of the global tables' dead letters. */
    private record Reporting(
            @Nullable DetectorMetrics metrics, @Nullable GlobalDeadLetters global) {
        static final Reporting NONE = new Reporting(null, null);

        static Reporting from(Map<String, ?> configs) {
            return new Reporting((DetectorMetrics) configs.get(METRICS), (GlobalDeadLetters) configs.get(GLOBAL));
        }

        void count(String reason) {
            if (metrics != null) {
                metrics.deadLetter(reason);
            }
        }

        /** Sends the dead letters of a global table's record itself (Kafka Streams drops them); whether it did. */
        boolean sentForGlobal(ErrorHandlerContext context, List<ProducerRecord<byte[], byte[]>> records) {
            if (global != null && GlobalDeadLetters.global(context.taskId())) {
                global.send(records);
                return true;
            }
            return false;
        }
    }

    /**
     * Whether {@code exception} comes from the record's content (it cannot be decoded, or a rule cannot
     * read it) rather than from Kafka or a state store: every Kafka and Kafka Streams exception is the
     * latter, except a {@link SerializationException}.
     */
    static boolean causedByRecord(Exception exception) {
        return exception instanceof SerializationException || !(exception instanceof KafkaException);
    }
}
