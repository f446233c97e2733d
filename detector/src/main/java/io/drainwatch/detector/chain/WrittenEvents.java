package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads back what this ingestor wrote for some blocks, so a restarted ingestor can retract the
 * events of blocks orphaned while it was down. The scan starts at the offsets of the time the oldest
 * of those blocks was written (minus a margin for clock steps), so it covers about one reorg window.
 */
final class WrittenEvents {
    private static final long MARGIN_MILLIS = Duration.ofMinutes(5).toMillis();

    private WrittenEvents() {}

    static Map<String, BlockEvents> read(
            Map<String, Object> kafka, Topics topics, long chainId, List<ReorgWindow.Entry> blocks) {
        Set<String> hashes = blocks.stream().map(ReorgWindow.Entry::hash).collect(Collectors.toSet());
        long since =
                blocks.stream().mapToLong(ReorgWindow.Entry::writtenAt).min().orElse(0) - MARGIN_MILLIS;
        Collector c = new Collector(chainId, hashes);
        TopicCatalogue catalogue = TopicCatalogue.of(topics);
        scan(kafka, catalogue.heads(), since, (k, h) -> c.head(h));
        scan(kafka, catalogue.transfers(), since, (k, t) -> c.transfer(t));
        scan(kafka, catalogue.approvals(), since, (k, a) -> c.approval(a));
        scan(kafka, catalogue.delegations(), since, (k, d) -> c.delegation(d));
        return c.blocks();
    }

    /**
     * The events of some blocks, from the chain topics' records read in topic order. A block can be
     * written, retracted and written again (a reorganisation there and back): each event counts once, as
     * its last record left it (all records of an event share a key, so they are read in order).
     */
    static final class Collector {
        private final long chainId;
        private final Set<String> hashes;
        private final Map<String, BlockHead> heads = new HashMap<>();
        private final Map<String, Map<String, TransferEvent>> transfers = new HashMap<>();
        private final Map<String, Map<String, ApprovalEvent>> approvals = new HashMap<>();
        private final Map<String, Map<String, DelegationEvent>> delegations = new HashMap<>();

        Collector(long chainId, Set<String> hashes) {
            this.chainId = chainId;
            this.hashes = hashes;
        }

        void head(BlockHead h) {
            if (h.getChainId() == chainId && hashes.contains(h.getHash()) && !h.getRemoved()) {
                heads.put(h.getHash(), h);
            }
        }

        void transfer(TransferEvent t) {
            if (t.getChainId() == chainId && hashes.contains(t.getBlockHash())) {
                latest(transfers, t.getBlockHash(), t.getEventId(), t, t.getRemoved());
            }
        }

        void approval(ApprovalEvent a) {
            if (a.getChainId() == chainId && hashes.contains(a.getBlockHash())) {
                latest(approvals, a.getBlockHash(), a.getEventId(), a, a.getRemoved());
            }
        }

        void delegation(DelegationEvent d) {
            if (d.getChainId() == chainId && hashes.contains(d.getBlockHash())) {
                latest(delegations, d.getBlockHash(), d.getEventId(), d, d.getRemoved());
            }
        }

        private static <T> void latest(
                Map<String, Map<String, T>> byBlock, String block, String eventId, T event, boolean removed) {
            Map<String, T> events = byBlock.computeIfAbsent(block, x -> new LinkedHashMap<>());
            if (removed) {
                events.remove(eventId);
            } else {
                events.put(eventId, event);
            }
        }

        /** Per block hash whose head was read: its events that stand written. */
        Map<String, BlockEvents> blocks() {
            Map<String, BlockEvents> out = new HashMap<>();
            heads.forEach((hash, head) -> out.put(
                    hash,
                    new BlockEvents(
                            head,
                            List.copyOf(transfers.getOrDefault(hash, Map.of()).values()),
                            List.copyOf(approvals.getOrDefault(hash, Map.of()).values()),
                            List.copyOf(delegations.getOrDefault(hash, Map.of()).values()),
                            List.of())));
            return out;
        }
    }

    private static <T extends SpecificRecord> void scan(
            Map<String, Object> kafka, Topic<T> from, long since, BiConsumer<String, T> sink) {
        String topic = from.name();
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> Math.max(0, since))));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = start.get(p);
                consumer.seek(p, at == null ? end.getOrDefault(p, 0L) : at.offset());
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.getOrDefault(p, 0L))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        sink.accept(r.key(), from.decode(r.value()));
                    }
                }
            }
        }
    }
}
