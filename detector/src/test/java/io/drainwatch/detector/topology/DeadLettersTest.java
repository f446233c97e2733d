package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A record goes to the dead-letter topic when it is what failed; when Kafka or a store failed while it
 * was being processed, the stream thread fails so that the transaction is aborted and the record is
 * processed again (resuming would keep the processor's store writes and lose its output).
 */
class DeadLettersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetters.Processing handler = new DeadLetters.Processing();

    DeadLettersTest() {
        handler.configure(Map.of(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                "drainwatch.dead-letter",
                DeadLetters.METRICS,
                new DetectorMetrics(registry)));
    }

    @Test
    void aRecordThatCannotBeReadGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        for (Exception e : new Exception[] {
            new SerializationException("truncated TransferEvent"),
            new IllegalArgumentException("not an address: 0x12"),
            new ArithmeticException("BigInteger divide by zero")
        }) {
            ProcessingExceptionHandler.Response response = handler.handleError(context(), record(), e);
            assertThat(response.result()).as(e.toString()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
            assertThat(response.deadLetterQueueRecords())
                    .singleElement()
                    .satisfies(r -> assertThat(r.topic()).isEqualTo("drainwatch.dead-letter"));
        }
        assertThat(deadLettered("malformed")).isEqualTo(1);
        assertThat(deadLettered("processing")).isEqualTo(2);
    }

    @Test
    void aFailureOfKafkaOrOfAStoreWhileProcessingFailsTheThreadAndDeadLettersNothing() {
        for (Exception e : new Exception[] {
            new StreamsException("Error encountered sending record to topic drainwatch.alerts", new TimeoutException()),
            new InvalidStateStoreException("the state store, wallet-state, may have migrated to another instance"),
            new TimeoutException("Expiring 3 record(s)")
        }) {
            ProcessingExceptionHandler.Response response = handler.handleError(context(), record(), e);
            assertThat(response.result()).as(e.toString()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).as(e.toString()).isEmpty();
        }
        assertThat(deadLettered("malformed") + deadLettered("processing")).isZero();
    }

    private double deadLettered(String reason) {
        return registry.get("drainwatch_dead_letters_total")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private static Record<String, String> record() {
        return new Record<>("1:0xabc", "value", 0L);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "drainwatch.chain.transfers";
            }

            @Override
            public int partition() {
                return 0;
            }

            @Override
            public long offset() {
                return 42;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "wallet-rules";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(1, 0);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return "1:0xabc".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return "value".getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
