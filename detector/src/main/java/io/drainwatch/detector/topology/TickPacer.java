package io.drainwatch.detector.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Passes a chain's progress ticks on at most once per interval (wall clock). A tick says everything
 * through its block has been handed on, which stays true later, so the highest tick of a burst stands
 * for the others: a backfill of thousands of blocks a second does not send every block's tick to
 * every task of the next stage. A tick that comes after a quiet interval goes on at once.
 */
final class TickPacer {
    /** How often at most a chain's tick goes on: a few milliseconds more wait for the gate. */
    static final Duration INTERVAL = Duration.ofMillis(50);

    /** A tick and the timestamp of the record that brought it. */
    record Paced(BlockTick tick, long timestamp) {}

    private final long interval;
    private final Map<Long, Long> sentAt = new HashMap<>();
    private final Map<Long, Paced> waiting = new TreeMap<>();

    TickPacer(long intervalMs) {
        this.interval = intervalMs;
    }

    /** {@code tick} if it goes on now; otherwise it waits for {@link #due}, as the highest of its chain. */
    Optional<Paced> offer(Paced tick, long now) {
        long chain = tick.tick().chainId();
        defer(tick);
        if (now - sentAt.getOrDefault(chain, Long.MIN_VALUE / 2) < interval) {
            return Optional.empty();
        }
        sentAt.put(chain, now);
        return Optional.ofNullable(waiting.remove(chain));
    }

    /** Keeps {@code tick} for the next {@link #due}, as the highest of its chain, without sending it now. */
    void defer(Paced tick) {
        waiting.merge(
                tick.tick().chainId(),
                tick,
                (a, b) -> b.tick().block() >= a.tick().block() ? b : a);
    }

    /** The waiting ticks whose chain has not sent one for the interval. */
    List<Paced> due(long now) {
        List<Paced> due = new ArrayList<>();
        waiting.entrySet().removeIf(e -> {
            if (now - sentAt.getOrDefault(e.getKey(), Long.MIN_VALUE / 2) < interval) {
                return false;
            }
            sentAt.put(e.getKey(), now);
            due.add(e.getValue());
            return true;
        });
        return due;
    }
}
