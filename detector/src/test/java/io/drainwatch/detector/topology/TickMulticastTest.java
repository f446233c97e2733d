package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.topic.Keys;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class TickMulticastTest {
    private final TickMulticast<WalletEvent> partitioner = new TickMulticast<>(v -> v instanceof WalletEvent.Tick);

    @Test
    void aTickGoesToEveryPartition() {
        WalletEvent tick = new WalletEvent.Tick(new BlockTick(1, 100, 0, 6));
        assertThat(partitioner.partitions("wallet-events", "1:tick", tick, 6))
                .isEqualTo(Optional.of(Set.of(0, 1, 2, 3, 4, 5)));
    }

    /** Where the producer put a record keyed by a string before the topic had a partitioner of its own. */
    @Test
    void aWalletsRecordsGoWhereTheProducersDefaultPartitioningPutThem() {
        for (int partitions : new int[] {1, 3, 6, 12, 64}) {
            for (int i = 0; i < 2_000; i++) {
                String key = Keys.address(1 + i % 3, String.format("0x%040x", 0x1000L * i + 7));
                int before = BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
                assertThat(partitioner.partitions("wallet-events", key, null, partitions))
                        .as(key)
                        .isEqualTo(Optional.of(Set.of(before)));
            }
        }
    }
}
