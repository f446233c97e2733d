package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.topic.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
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
    /** When (wall clock) a watermark last advanced here, or the task started. */
    private long lastAdvance;

    BlockOrderGate(
            KeyValueStore<String, SourceWatermark> watermarks,
            KeyValueStore<String, Held> held,
            long maxWaitMs,
            long now) {
        this.watermarks = watermarks;
        this.held = held;
        this.maxWait = maxWaitMs;
        this.lastAdvance = now;
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
        lastAdvance = now;
        String from = chainPrefix(tick.chainId());
        // every key of a block at or below the watermark sorts before this one
        String to = from + pad(advanced.getAsLong()) + "0";
        return release(held.range(from, to));
    }

    /**
     * The payments held for {@code maxWait} while no watermark advanced, in block order; none while
     * ticks keep the gate moving.
     */
    List<Held> overdue(long now) {
        if (now - lastAdvance < maxWait) {
            return List.of();
        }
        boolean due = false;
        try (KeyValueIterator<String, Held> all = held.all()) {
            while (all.hasNext() && !due) {
                due = now - all.next().value.heldAt() >= maxWait;
            }
        }
        return due ? release(held.all()) : List.of();
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
