package io.drainwatch.detector.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions a repartition topic by its string key, as Kafka Streams does by default (murmur2 of the
 * key's UTF-8 bytes), except for progress ticks, which go to every partition: each task of the next
 * stage must hear from each task of this one.
 *
 * @param <V> the topic's values
 */
final class TickMulticast<V> implements StreamPartitioner<String, V> {
    private final Predicate<V> isTick;
    private final ConcurrentHashMap<Integer, Set<Integer>> everyPartition = new ConcurrentHashMap<>();

    TickMulticast(Predicate<V> isTick) {
        this.isTick = isTick;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        if (value != null && isTick.test(value)) {
            return Optional.of(everyPartition.computeIfAbsent(
                    numPartitions, n -> IntStream.range(0, n).boxed().collect(Collectors.toUnmodifiableSet())));
        }
        return Optional.of(Set.of(byKey(key, numPartitions)));
    }

    /** The partition of {@code key} among {@code numPartitions}: the producer's and Kafka Streams' default. */
    static int byKey(String key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
