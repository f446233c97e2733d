package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.topic.ProgressTick;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class PrefilteringConsumerTest {
    private final List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();

    /**
     * The ingestor writes a tick per partition before and after every step; of one poll's records of a
     * partition, each chain's first tick (which a stage that has never seen the chain tick must meet
     * before the events after it) and last need to reach Kafka Streams, where they stay among the
     * transfers they precede and follow. Ticks are told by their key.
     */
    @Test
    void ofAPollsTicksOnlyEachChainsFirstAndLastGoOn() {
        transfer();
        tick(1, 100);
        transfer();
        tick(137, 5_000);
        tick(1, 101);
        transfer();
        tick(1, 101);
        // a reorganisation can tick lower: it claims less than the tick before it, which is still true
        tick(137, 4_999);
        nullWithoutTick();
        add(null, new byte[] {'1', 'x', ':', 't', 'i', 'c', 'k'}, new RecordHeaders());
        transfer();

        assertThat(PrefilteringConsumer.ticksToPass(batch, batch.size())).containsExactly(1, 6, 3, 7);
    }

    @Test
    void aBatchWithoutTicksKeepsNone() {
        transfer();
        transfer();
        assertThat(PrefilteringConsumer.ticksToPass(batch, batch.size())).isEmpty();
    }

    private void transfer() {
        add(new byte[] {1}, new byte[] {0}, new RecordHeaders());
    }

    private void tick(long chainId, long block) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ProgressTick.HEADER, new ProgressTick(chainId, block, 4).encode());
        add(null, ProgressTick.key(chainId).getBytes(StandardCharsets.US_ASCII), headers);
    }

    private void nullWithoutTick() {
        add(null, new byte[] {0}, new RecordHeaders());
    }

    private void add(byte[] value, byte[] key, RecordHeaders headers) {
        batch.add(new ConsumerRecord<>(
                "chain.transfers",
                0,
                batch.size(),
                0L,
                TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length,
                key,
                value,
                headers,
                Optional.empty()));
    }
}
