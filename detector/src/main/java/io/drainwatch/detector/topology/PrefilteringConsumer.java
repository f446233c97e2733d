package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.ProgressTick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * The detector's main consumer. It drops the transfers that concern no watched wallet as soon as a
 * poll returns them, before Kafka Streams buffers and processes them one by one: almost every chain
 * event stops here at the cost of reading three fields in place.
 *
 * <p>Offsets stay exact: the batch keeps its {@link ConsumerRecords#nextOffsets()}, which Kafka
 * Streams commits once a partition's buffer is drained, and the last record of each partition of
 * each poll is kept (the filter processor drops it) so a commit is always due. Records it cannot
 * parse go on, to reach the dead-letter topic through the filter processor. Of the records without a
 * value, the ingestor's progress ticks, each chain's first and last of a poll's records of a partition go on
 * (the filter processor hands it to the wallet stage); the others say nothing more.
 */
final class PrefilteringConsumer extends KafkaConsumer<byte[], byte[]> {
    private final String transfersTopic;
    private final Supplier<WatchedWalletsStore> watched;
    private final DetectorMetrics metrics;
    private static final int[] NO_TICKS = {};
    private @Nullable WatchedTransferCheck check;
    private byte[][] values = new byte[0][];
    private boolean[] ignorable = new boolean[0];

    PrefilteringConsumer(
            Map<String, Object> config,
            String transfersTopic,
            Supplier<WatchedWalletsStore> watched,
            DetectorMetrics metrics) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.transfersTopic = transfersTopic;
        this.watched = watched;
        this.metrics = metrics;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        if (records.isEmpty()) {
            return records;
        }
        if (check == null) {
            WatchedWalletsStore store = watched.get();
            if (store == null) {
                return records;
            }
            check = new WatchedTransferCheck(store);
        }
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> kept = new HashMap<>();
        long dropped = 0;
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            if (!partition.topic().equals(transfersTopic)) {
                kept.put(partition, batch);
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> keep = new ArrayList<>();
            int last = batch.size() - 1;
            if (values.length < last) {
                values = new byte[Math.max(last, 2 * values.length)][];
                ignorable = new boolean[values.length];
            }
            for (int i = 0; i < last; i++) {
                values[i] = batch.get(i).value();
            }
            check.ignorable(values, last, ignorable);
            Arrays.fill(values, 0, last, null);
            int[] ticks = ticksToPass(batch, last);
            for (int i = 0; i < last; i++) {
                ConsumerRecord<byte[], byte[]> record = batch.get(i);
                if (record.value() == null ? contains(ticks, i) : !ignorable[i]) {
                    keep.add(record);
                } else if (record.value() != null) {
                    dropped++;
                }
            }
            keep.add(batch.get(last));
            kept.put(partition, keep);
        }
        metrics.events("transfers", "ignored", dropped);
        return new ConsumerRecords<>(kept, records.nextOffsets());
    }

    /**
     * Of the progress ticks among the first {@code count} records of one partition, the index of each
     * chain's first and last, in batch order. A tick says every record before it in the partition, through
     * its block, has been written, so the last of a batch says what its earlier ones do (the stages keep
     * the highest block of each partition, so a last tick lower than an earlier one, after a reorganisation,
     * lowers nothing; it only claims less). The first goes on too: a stage that has never seen its chain
     * tick judges events at once, so the tick the writer put ahead of a step's events must reach it ahead of
     * them. The others, and records without a value that are not ticks, need not reach Kafka Streams, whose
     * per-record cost is what the pre-filter saves: the ingestor writes a tick per partition per step.
     * Ticks are told by their key, read in place: no header is decoded here.
     */
    static int[] ticksToPass(List<ConsumerRecord<byte[], byte[]>> batch, int count) {
        long[] chains = new long[2];
        int[] first = new int[2];
        int[] last = new int[2];
        int n = 0;
        for (int i = 0; i < count; i++) {
            ConsumerRecord<byte[], byte[]> record = batch.get(i);
            if (record.value() != null) {
                continue;
            }
            long chain = ProgressTick.chainOfKey(record.key());
            if (chain < 0) {
                continue;
            }
            int c = 0;
            while (c < n && chains[c] != chain) {
                c++;
            }
            if (c == n) {
                if (n == chains.length) {
                    chains = Arrays.copyOf(chains, 2 * n);
                    first = Arrays.copyOf(first, 2 * n);
                    last = Arrays.copyOf(last, 2 * n);
                }
                chains[n] = chain;
                first[n] = i;
                n++;
            }
            last[c] = i;
        }
        if (n == 0) {
            return NO_TICKS;
        }
        int[] indexes = new int[2 * n];
        int k = 0;
        for (int c = 0; c < n; c++) {
            indexes[k++] = first[c];
            if (last[c] != first[c]) {
                indexes[k++] = last[c];
            }
        }
        return k == indexes.length ? indexes : Arrays.copyOf(indexes, k);
    }

    private static boolean contains(int[] indexes, int i) {
        for (int index : indexes) {
            if (index == i) {
                return true;
            }
        }
        return false;
    }
}
