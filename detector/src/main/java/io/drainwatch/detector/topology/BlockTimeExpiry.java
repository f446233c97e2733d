package io.drainwatch.detector.topology;

import io.drainwatch.detector.topic.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Expiry of a stage's entries on block time, like the rules' windows: record timestamps are ingestion
 * times, and a backfill of old blocks must not expire its own evidence. It remembers, per chain, the
 * latest block time this instance processed, and scans the store only when that has moved on by a step
 * since the last scan. After a restart nothing expires until records arrive.
 */
final class BlockTimeExpiry {
    /** Block time between two scans of the store. */
    static final long STEP_MS = 60_000;

    /** Whether an entry has left every window at block time {@code now} of its chain. */
    @FunctionalInterface
    interface Expired<V> {
        boolean at(V value, long now);
    }

    private final Map<Long, Long> latestBlockTime = new HashMap<>();
    private long scannedAt = Long.MIN_VALUE;

    /** Notes a record of {@code chainId} at {@code blockTime}. */
    void saw(long chainId, long blockTime) {
        latestBlockTime.merge(chainId, blockTime, Math::max);
    }

    /** Deletes the entries of {@code store} (keyed {@code chain:subject}) that {@code expired} says have left. */
    <V> void expire(KeyValueStore<String, V> store, Expired<V> expired) {
        long latest = latestBlockTime.values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(Long.MIN_VALUE);
        if (latest == Long.MIN_VALUE || (scannedAt != Long.MIN_VALUE && latest - scannedAt < STEP_MS)) {
            return;
        }
        scannedAt = latest;
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(kv -> {
                Long now = latestBlockTime.get(Keys.chainOf(kv.key));
                if (now != null && expired.at(kv.value, now)) {
                    gone.add(kv.key);
                }
            });
        }
        gone.forEach(store::delete);
    }
}
