package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.topic.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds the payments that reach the destination stage, in whatever order the wallet tasks' partitions
 * interleave them, until the wallet stage's ticks say every wallet task has handed on every payment of
 * their chain through their block, then lets them go in block order (then by event id). Payments held
 * longer than the maximum wait while no tick moves the watermark go anyway, in block order.
 */
final class BlockOrderGate {
    /** A held payment, with its record's timestamp and when (wall clock) it came. */
    record Held(Payment payment, long timestamp, long heldAt) {}

    private final KeyValueStore<String, SourceWatermark> watermarks;
    private final KeyValueStore<String, Held> held;
    private final long maxWait;
    /** When (wall clock) the task started: the last advance of a chain that has not advanced here. */
    private final long started;
    /** When (wall clock) each chain's watermark last advanced here. */
    private final Map<Long, Long> lastAdvance = new HashMap<>();

    BlockOrderGate(
            KeyValueStore<String, SourceWatermark> watermarks,
            KeyValueStore<String, Held> held,
            long maxWaitMs,
            long now) {
        this.watermarks = watermarks;
        this.held = held;
        this.maxWait = maxWaitMs;
        this.started = now;
    }

    /** Holds {@code p} until its chain's watermark passes its block. */
    void hold(Payment p, long timestamp, long now) {
        held.put(key(p), new Held(p, timestamp, now));
    }

    /** Lets go of a held payment without judging it (a reorganisation removed it): whether it was held. */
    boolean drop(Payment p) {
        return held.delete(key(p)) != null;
    }

    /** Counts {@code tick}; the payments it releases, in block order. */
    List<Held> tick(BlockTick tick, long now) {
        String key = Keys.chain(tick.chainId());
        SourceWatermark before = orEmpty(watermarks.get(key));
        SourceWatermark after = before.with(tick);
        if (after.equals(before)) {
            return List.of();
        }
        watermarks.put(key, after);
        OptionalLong advanced = after.advancedFrom(before);
        if (advanced.isEmpty()) {
            return List.of();
        }
        lastAdvance.put(tick.chainId(), now);
        String from = chainPrefix(tick.chainId());
        // every key of a block at or below the watermark sorts before this one
        String to = from + pad(advanced.getAsLong()) + "0";
        return release(held.range(from, to));
    }

    /**
     * The payments of each chain whose watermark has not advanced for {@code maxWait} while one of its
     * payments has been held that long, in block order; none while ticks keep a chain moving. Chains are
     * apart: one whose writer ticks does not keep another's payments waiting.
     */
    List<Held> overdue(long now) {
        Set<Long> due = new TreeSet<>();
        try (KeyValueIterator<String, Held> all = held.all()) {
            while (all.hasNext()) {
                Held h = all.next().value;
                long chain = h.payment().chainId();
                if (now - h.heldAt() >= maxWait && now - lastAdvance.getOrDefault(chain, started) >= maxWait) {
                    due.add(chain);
                }
            }
        }
        List<Held> released = new ArrayList<>();
        for (long chain : due) {
            // every key of the chain sorts between its prefix and this ('/' < '0')
            released.addAll(release(held.range(chainPrefix(chain), pad(chain) + "0")));
        }
        return released;
    }

    private List<Held> release(KeyValueIterator<String, Held> range) {
        List<KeyValue<String, Held>> released = new ArrayList<>();
        try (range) {
            range.forEachRemaining(released::add);
        }
        List<Held> payments = new ArrayList<>(released.size());
        for (KeyValue<String, Held> kv : released) {
            held.delete(kv.key);
            payments.add(kv.value);
        }
        return payments;
    }

    /** Sorts by chain, block and event id: zero-padded numbers compare as strings do. */
    static String key(Payment p) {
        return chainPrefix(p.chainId()) + pad(p.blockNumber()) + "/" + p.eventId();
    }

    private static String chainPrefix(long chainId) {
        return pad(chainId) + "/";
    }

    private static String pad(long n) {
        return String.format("%020d", n);
    }

    private static SourceWatermark orEmpty(SourceWatermark watermark) {
        return watermark == null ? SourceWatermark.empty() : watermark;
    }
}
