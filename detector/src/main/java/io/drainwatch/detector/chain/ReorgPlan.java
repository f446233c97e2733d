package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Block;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one ingest step writes: the window blocks it orphans (newest first, to be retracted) and the blocks
 * it adds (oldest first), linked to the window at {@code ancestor}.
 *
 * @param ancestor the number of the newest window block the branch builds on; {@link Long#MIN_VALUE} when
 *     the window was empty or the branch did not meet it
 * @param orphaned the window blocks above the ancestor, newest first: their events are retracted
 * @param branch the blocks to write, oldest first, each the parent of the next
 * @param beyondWindow the branch forks below the oldest block the window remembers: the whole window is
 *     orphaned, and where the chains meet is unknown
 */
record ReorgPlan(long ancestor, List<ReorgWindow.Entry> orphaned, List<Block> branch, boolean beyondWindow) {
    ReorgPlan {
        orphaned = List.copyOf(orphaned);
        branch = List.copyOf(branch);
    }

    /** Whether the step retracts anything. */
    boolean reorg() {
        return !orphaned.isEmpty();
    }

    /**
     * Whether this reorg is deep: beyond the window, or replacing a block at or below {@code finalized} (the
     * node's finalized number, or null when unknown), which a chain should never do.
     */
    boolean deep(@Nullable Long finalized) {
        boolean belowFinality = finalized != null && ancestor < finalized && ancestor != Long.MIN_VALUE;
        return beyondWindow || belowFinality;
    }

    /** The window blocks at or below this number stay; the branch goes on top of them. */
    long keepThrough() {
        return beyondWindow ? Long.MIN_VALUE : ancestor;
    }
}
