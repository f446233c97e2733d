package io.drainwatch.detector.backtest;

import io.drainwatch.schemas.BlockHead;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Block numbers of evidence times. Incidents carry times of evidence (block times), not blocks; the
 * block heads the ingestor wrote turn them back into block numbers: the first block of the range whose
 * time is at or after the evidence time (blocks may share a timestamp: the earliest is taken).
 */
public final class BlockClock {
    private final NavigableMap<Long, Long> firstBlockAt = new TreeMap<>();
    private final long lastBlock;

    private BlockClock(long lastBlock) {
        this.lastBlock = lastBlock;
    }

    /** The clock of the canonical {@code heads} (removed ones are ignored); {@code lastBlock} when a time is past them all. */
    public static BlockClock of(List<BlockHead> heads, long lastBlock) {
        BlockClock clock = new BlockClock(lastBlock);
        for (BlockHead head : heads) {
            if (!head.getRemoved()) {
                clock.firstBlockAt.merge(head.getTime().toEpochMilli(), head.getNumber(), Math::min);
            }
        }
        return clock;
    }

    /** The block of an evidence time. */
    public long blockAt(Instant time) {
        var entry = firstBlockAt.ceilingEntry(time.toEpochMilli());
        return entry == null ? lastBlock : entry.getValue();
    }
}
