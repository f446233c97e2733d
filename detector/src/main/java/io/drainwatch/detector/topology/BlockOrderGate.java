package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds what reaches a stage from the tasks before it, in whatever order their partitions interleave
 * it, until their progress ticks say every one of them has handed on everything of its chain through
 * its block, then lets it go in block order (then by its position in the block). What has been held
 * longer than the maximum wait while no tick moved its chain's watermark goes anyway, in block order,
 * counted in {@code drainwatch_block_order_gate_timeouts_total}.
 *
 * @param <H> what the gate holds
 */
final class BlockOrderGate<H extends BlockOrderGate.Gated> {
    private static final Logger log = LoggerFactory.getLogger(BlockOrderGate.class);

    /** Something a gate holds: its chain and block, where it sorts in the block, and when (wall clock) it came. */
    interface Gated {
        long chainId();

        long block();

        /** Orders what is held of one block; unique among them. */
        String position();

        long heldAt();
    }

    /** The watermark a tick raised its chain to, and what that lets go, in block order. */
    record Advance<H>(long watermark, List<H> released) {}

    private final KeyValueStore<String, SourceWatermark> watermarks;
    private final KeyValueStore<String, H> held;
    private final long maxWait;
    /** When (wall clock) the task started: the last advance of a chain that has not advanced here. */
    private final long started;
    /** When (wall clock) each chain's watermark last advanced here. */
    private final Map<Long, Long> lastAdvance = new HashMap<>();
    /** The watermarks read or written so far, so that a question about one does not decode the store's. */
    private final Map<Long, SourceWatermark> known = new HashMap<>();
    /**
     * Per chain, how many items are held of each block, kept beside the store so that a tick that lets
     * nothing go, and the maximum-wait check while nothing is held, read no store (a range read of the
     * store is a seek in RocksDB, and ticks come many times a second). It may count too many (an item held
     * again under its key), never too few, so at worst a store read finds nothing.
     */
    private final Map<Long, TreeMap<Long, Integer>> heldBlocks = new HashMap<>();

    private final String stage;
    private final String task;
    private final DetectorMetrics metrics;
    /** Whether held items went on the maximum wait since a watermark last let any go. */
    private boolean waitedOut;

    /**
     * @param stage the stage, as the timeout metric and log name it
     * @param task the task, as the log names it
     */
    BlockOrderGate(
            KeyValueStore<String, SourceWatermark> watermarks,
            KeyValueStore<String, H> held,
            long maxWaitMs,
            long now,
            String stage,
            String task,
            DetectorMetrics metrics) {
        this.watermarks = watermarks;
        this.held = held;
        this.maxWait = maxWaitMs;
        this.started = now;
        this.stage = stage;
        this.task = task;
        this.metrics = metrics;
        try (KeyValueIterator<String, H> all = held.all()) {
            all.forEachRemaining(kv -> count(kv.value, 1));
        }
    }

    /** Holds {@code item} until its chain's watermark passes its block. */
    void hold(H item) {
        held.put(key(item), item);
        count(item, 1);
    }

    /** Counts {@code item} in (+1) or out (-1) of {@link #heldBlocks}. */
    private void count(H item, int delta) {
        TreeMap<Long, Integer> blocks = heldBlocks.computeIfAbsent(item.chainId(), chain -> new TreeMap<>());
        if (delta > 0) {
            blocks.merge(item.block(), delta, Integer::sum);
        } else {
            blocks.computeIfPresent(item.block(), (block, n) -> n + delta > 0 ? n + delta : null);
        }
    }

    /**
     * Whether an item of {@code block} can go at once: its chain's watermark has passed the block, or no
     * tick of the chain has ever come here (its writer does not tick, so nothing would let it go sooner
     * than the maximum wait).
     */
    boolean passes(long chainId, long block) {
        SourceWatermark mark = watermark(chainId);
        if (mark.sources() == 0) {
            return true;
        }
        OptionalLong through = mark.watermark();
        return through.isPresent() && block <= through.getAsLong();
    }

    /**
     * For each chain, the tick that says this task, as {@code source} of the next stage, has come through
     * its watermark: what a restarted task sends again, since a tick held back by its {@link TickPacer}
     * is not kept across a crash, and the next stage would otherwise wait for the chain's next tick.
     */
    List<BlockTick> current(int source) {
        List<BlockTick> ticks = new ArrayList<>();
        try (KeyValueIterator<String, SourceWatermark> all = watermarks.all()) {
            all.forEachRemaining(kv -> kv.value
                    .watermark()
                    .ifPresent(block ->
                            ticks.add(new BlockTick(Long.parseLong(kv.key), block, source, kv.value.sources()))));
        }
        return ticks;
    }

    /** Lets go of a held item without judging it (a reorganisation removed it): whether it was held. */
    boolean drop(H item) {
        if (held.delete(key(item)) == null) {
            return false;
        }
        count(item, -1);
        return true;
    }

    /** Counts {@code tick}: if it raised its chain's watermark, to where, and what that lets go. */
    Optional<Advance<H>> tick(BlockTick tick, long now) {
        SourceWatermark before = watermark(tick.chainId());
        SourceWatermark after = before.with(tick);
        if (after.equals(before)) {
            return Optional.empty();
        }
        watermarks.put(Keys.chain(tick.chainId()), after);
        known.put(tick.chainId(), after);
        OptionalLong advanced = after.advancedFrom(before);
        if (advanced.isEmpty()) {
            return Optional.empty();
        }
        lastAdvance.put(tick.chainId(), now);
        long watermark = advanced.getAsLong();
        TreeMap<Long, Integer> blocks = heldBlocks.get(tick.chainId());
        if (blocks == null || blocks.isEmpty() || blocks.firstKey() > watermark) {
            return Optional.of(new Advance<>(watermark, List.of()));
        }
        blocks.headMap(watermark, true).clear();
        String from = chainPrefix(tick.chainId());
        // every key of a block at or below the watermark sorts before this one
        String to = from + pad(watermark) + "0";
        List<H> released = release(held.range(from, to));
        if (waitedOut && !released.isEmpty()) {
            waitedOut = false;
            log.info("event=block_order_gate_resumed stage={} task={}", stage, task);
        }
        return Optional.of(new Advance<>(watermark, released));
    }

    /**
     * What the gate holds of each chain whose watermark has not advanced for the maximum wait while one
     * of its items has been held that long, in block order; nothing while ticks keep a chain moving.
     * Chains are apart: one whose writer ticks does not keep another's items waiting.
     */
    List<H> overdue(long now) {
        if (heldBlocks.values().stream().allMatch(Map::isEmpty)) {
            return List.of();
        }
        Set<Long> due = new TreeSet<>();
        try (KeyValueIterator<String, H> all = held.all()) {
            while (all.hasNext()) {
                H h = all.next().value;
                long chain = h.chainId();
                if (now - h.heldAt() >= maxWait && now - lastAdvance.getOrDefault(chain, started) >= maxWait) {
                    due.add(chain);
                }
            }
        }
        List<H> released = new ArrayList<>();
        for (long chain : due) {
            heldBlocks.remove(chain);
            // every key of the chain sorts between its prefix and this ('/' < '0')
            released.addAll(release(held.range(chainPrefix(chain), pad(chain) + "0")));
        }
        if (!released.isEmpty()) {
            metrics.blockOrderGateTimeout(stage);
            if (!waitedOut) {
                waitedOut = true;
                log.warn(
                        "event=block_order_gate_timeout stage={} task={} held={} max_wait_ms={}"
                                + " reason=\"no progress ticks; judging what was held in block order\"",
                        stage,
                        task,
                        released.size(),
                        maxWait);
            }
        }
        return released;
    }

    private SourceWatermark watermark(long chainId) {
        return known.computeIfAbsent(chainId, chain -> {
            SourceWatermark stored = watermarks.get(Keys.chain(chain));
            return stored == null ? SourceWatermark.empty() : stored;
        });
    }

    private List<H> release(KeyValueIterator<String, H> range) {
        List<KeyValue<String, H>> released = new ArrayList<>();
        try (range) {
            range.forEachRemaining(released::add);
        }
        List<H> items = new ArrayList<>(released.size());
        for (KeyValue<String, H> kv : released) {
            held.delete(kv.key);
            items.add(kv.value);
        }
        return items;
    }

    /** Sorts by chain, block and position: zero-padded numbers compare as strings do. */
    static String key(Gated item) {
        return chainPrefix(item.chainId()) + pad(item.block()) + "/" + item.position();
    }

    private static String chainPrefix(long chainId) {
        return pad(chainId) + "/";
    }

    /**
     * {@code n} (not negative) in {@code width} digits, zeros in front, so that numbers compare as their
     * strings do. It runs for every event a gate holds, hence no {@code String.format}.
     */
    static String pad(long n, int width) {
        String digits = Long.toString(n);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    private static String pad(long n) {
        return pad(n, 20);
    }
}
