package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Links blocks fetched from the node to the reorg window by parent hash and plans what to retract and what
 * to write. Pure: when the fetched blocks do not reach the window, it asks for the missing parent, and the
 * caller fetches it and asks again with it prepended, until the branch meets the window or passes its
 * oldest block.
 */
final class ReorgPlanner {
    private ReorgPlanner() {}

    /** The outcome of linking: a plan, or the hash of the block to fetch before linking can go on. */
    sealed interface Linking {}

    /** The branch meets the window (or the window is empty, or the branch passed its oldest block). */
    record Planned(ReorgPlan plan) implements Linking {}

    /** The branch's oldest block's parent is neither in the window nor below it: fetch it by this hash. */
    record NeedsParent(String hash) implements Linking {}

    /**
     * Links {@code candidates} (blocks read from the node, oldest first, not empty) to {@code window}.
     * {@code walkedBack} holds the parents fetched so far in answer to {@link NeedsParent}, oldest first:
     * empty on the first call.
     */
    static Linking link(ReorgWindow window, List<Block> walkedBack, List<Block> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no blocks to link");
        }
        if (window.isEmpty()) {
            return new Planned(new ReorgPlan(Long.MIN_VALUE, List.of(), contiguous(candidates), false));
        }
        Block first = candidates.get(0);
        if (walkedBack.isEmpty() && first.parentHash().equals(window.head().hash())) {
            return new Planned(new ReorgPlan(window.head().number(), List.of(), contiguous(candidates), false));
        }
        // the parent is not our head: walk back by hash until the branch meets the window
        Block cursor = walkedBack.isEmpty() ? first : walkedBack.get(0);
        Optional<ReorgWindow.Entry> ancestor = window.byHash(cursor.parentHash());
        if (ancestor.isPresent()) {
            long at = ancestor.get().number();
            return new Planned(new ReorgPlan(at, window.above(at), branch(walkedBack, candidates), false));
        }
        if (cursor.number() <= window.oldest().number()) {
            return new Planned(
                    new ReorgPlan(Long.MIN_VALUE, window.above(Long.MIN_VALUE), branch(walkedBack, candidates), true));
        }
        return new NeedsParent(cursor.parentHash());
    }

    private static List<Block> branch(List<Block> walkedBack, List<Block> candidates) {
        List<Block> branch = new ArrayList<>(walkedBack);
        branch.addAll(contiguous(candidates));
        return branch;
    }

    /** The leading run of {@code blocks} that links by parent hash (a reorg during a batch read cuts it). */
    private static List<Block> contiguous(List<Block> blocks) {
        List<Block> out = new ArrayList<>();
        for (Block b : blocks) {
            if (!out.isEmpty() && !b.parentHash().equals(out.get(out.size() - 1).hash())) {
                break;
            }
            out.add(b);
        }
        return out;
    }
}
