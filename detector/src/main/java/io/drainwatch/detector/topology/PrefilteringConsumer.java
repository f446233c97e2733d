package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.ProgressTick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * value, the ingestor's progress ticks, each chain's highest of a poll's records of a partition goes on
 * (the filter processor hands it to the wallet stage); the others say nothing more.
 */
final class PrefilteringConsumer extends KafkaConsumer<byte[], byte[]> {
    private final String transfersTopic;
    private final Supplier<WatchedWalletsStore> watched;
    private final DetectorMetrics metrics;
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
            Set<Integer> ticks = ticksToPass(batch, last);
            for (int i = 0; i < last; i++) {
                ConsumerRecord<byte[], byte[]> record = batch.get(i);
                if (record.value() == null ? ticks.contains(i) : !ignorable[i]) {
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
     * chain's first and highest. A tick says every record before it in the partition, through its block,
     * has been written, so the highest of a batch says all that its earlier ones do (the stages keep the
     * highest block of each partition anyway). The first goes on too: a stage that has never seen its
     * chain tick judges events at once, so the tick the writer put ahead of a step's events must reach it
     * ahead of them. The others, and records without a value that are not ticks, need not reach Kafka
     * Streams, whose per-record cost is what the pre-filter saves: the ingestor writes a tick per
     * partition per step.
     */
    static Set<Integer> ticksToPass(List<ConsumerRecord<byte[], byte[]>> batch, int count) {
        Map<Long, Ticks> ticks = null;
        for (int i = 0; i < count; i++) {
            ConsumerRecord<byte[], byte[]> record = batch.get(i);
            if (record.value() != null) {
                continue;
            }
            Optional<ProgressTick> tick = ProgressTick.of(record.headers());
            if (tick.isPresent()) {
                if (ticks == null) {
                    ticks = new HashMap<>();
                }
                Ticks here = new Ticks(i, tick.get().block(), i);
                ticks.merge(tick.get().chainId(), here, Ticks::then);
            }
        }
        if (ticks == null) {
            return Set.of();
        }
        Set<Integer> indexes = new HashSet<>();
        for (Ticks t : ticks.values()) {
            indexes.add(t.first());
            indexes.add(t.highestIndex());
        }
        return indexes;
    }

    /** Where a chain's first tick of a batch is, and its highest so far (block and where). */
    private record Ticks(int first, long highest, int highestIndex) {
        /** With {@code later}'s tick counted; of equal blocks the later stands. */
        Ticks then(Ticks later) {
            return later.highest() >= highest ? new Ticks(first, later.highest(), later.highestIndex()) : this;
        }
    }
}
