package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.detector.topic.TopicScan;
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
import java.util.stream.Collectors;

/**
 * Reads back what this ingestor wrote for some blocks, so a restarted ingestor can retract the
 * events of blocks orphaned while it was down. The scan starts at the offsets of the time the oldest
 * of those blocks was written (minus a margin for clock steps), so it covers about one reorg window.
 */
final class WrittenEvents {
    private static final long MARGIN_MILLIS = Duration.ofMinutes(5).toMillis();
    /** How long reading one topic back may take before the ingestor gives up starting. */
    private static final Duration READ_WITHIN = Duration.ofMinutes(5);

    private WrittenEvents() {}

    static Map<String, BlockEvents> read(
            Map<String, Object> kafka, Topics topics, long chainId, List<ReorgWindow.Entry> blocks) {
        Set<String> hashes = blocks.stream().map(ReorgWindow.Entry::hash).collect(Collectors.toSet());
        long since =
                blocks.stream().mapToLong(ReorgWindow.Entry::writtenAt).min().orElse(0) - MARGIN_MILLIS;
        Collector c = new Collector(chainId, hashes);
        TopicCatalogue catalogue = TopicCatalogue.of(topics);
        TopicScan.read(kafka, catalogue.heads(), since, READ_WITHIN, (r, h) -> c.head(h));
        TopicScan.read(kafka, catalogue.transfers(), since, READ_WITHIN, (r, t) -> c.transfer(t));
        TopicScan.read(kafka, catalogue.approvals(), since, READ_WITHIN, (r, a) -> c.approval(a));
        TopicScan.read(kafka, catalogue.delegations(), since, READ_WITHIN, (r, d) -> c.delegation(d));
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
}
