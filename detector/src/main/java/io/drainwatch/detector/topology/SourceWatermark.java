package io.drainwatch.detector.topology;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * How far one chain's events have come from every source of a stage: the highest tick block of each
 * source partition, and the watermark, the lowest of them once every one of {@code sources} has ticked.
 * Every event of the chain at or below the watermark has arrived, from every source.
 */
record SourceWatermark(int sources, Map<Integer, Long> blocks) {
    SourceWatermark {
        blocks = Map.copyOf(blocks);
    }

    static SourceWatermark empty() {
        return new SourceWatermark(0, Map.of());
    }

    /** With {@code tick} counted; a source's block never goes back (a reorganised chain ticks lower). */
    SourceWatermark with(BlockTick tick) {
        Map<Integer, Long> next = new TreeMap<>(blocks);
        next.merge(tick.source(), tick.block(), Math::max);
        // a source count that changed (partitions added) drops the sources that no longer exist
        next.keySet().removeIf(source -> source >= tick.sources());
        return new SourceWatermark(tick.sources(), next);
    }

    /** The lowest block of all sources, none until every source has ticked. */
    OptionalLong watermark() {
        if (sources == 0) {
            return OptionalLong.empty();
        }
        long lowest = Long.MAX_VALUE;
        for (int source = 0; source < sources; source++) {
            Long block = blocks.get(source);
            if (block == null) {
                return OptionalLong.empty();
            }
            lowest = Math.min(lowest, block);
        }
        return OptionalLong.of(lowest);
    }

    /** The watermark, if it is higher here than in {@code before}. */
    OptionalLong advancedFrom(SourceWatermark before) {
        OptionalLong now = watermark();
        OptionalLong then = before.watermark();
        if (now.isPresent() && (then.isEmpty() || now.getAsLong() > then.getAsLong())) {
            return now;
        }
        return OptionalLong.empty();
    }
}
