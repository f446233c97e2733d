package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.ReorgPlanner.Linking;
import io.drainwatch.detector.chain.ReorgPlanner.NeedsParent;
import io.drainwatch.detector.chain.ReorgPlanner.Planned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which blocks a step retracts and which it writes, given the reorg window and what the node returns. Blocks
 * are named by number and fork letter ({@code 3b} is block 3 of fork b); fork b of block n builds on fork a
 * below its fork point.
 */
class ReorgPlannerTest {
    /** Every block the "node" knows, by hash: what a walk back by parent hash may fetch. */
    private final Map<String, Block> node = new HashMap<>();

    private static String hash(long number, char fork) {
        return "0x" + number + fork;
    }

    /** Block {@code number} of {@code fork}, whose parent is block {@code number - 1} of {@code parentFork}. */
    private Block block(long number, char fork, char parentFork) {
        Block b =
                new Block(number, hash(number, fork), hash(number - 1, parentFork), 1_700_000_000L + number, List.of());
        node.put(b.hash(), b);
        return b;
    }

    /** Blocks {@code from..to} of fork a. */
    private List<Block> chainA(long from, long to) {
        List<Block> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(block(n, 'a', 'a'));
        }
        return out;
    }

    private static ReorgWindow window(int capacity, List<Block> blocks) {
        return ReorgWindow.empty(capacity).rebase(Long.MIN_VALUE, entries(blocks));
    }

    private static List<ReorgWindow.Entry> entries(List<Block> blocks) {
        return blocks.stream()
                .map(b -> new ReorgWindow.Entry(b.number(), b.hash(), b.parentHash(), 0L, null))
                .toList();
    }

    /** Links as the ingestor does: answers each request for a parent from the node, and counts the requests. */
    private record Linked(ReorgPlan plan, List<String> fetched) {}

    private Linked link(ReorgWindow window, List<Block> candidates) {
        List<Block> walkedBack = new ArrayList<>();
        List<String> fetched = new ArrayList<>();
        while (true) {
            Linking linking = ReorgPlanner.link(window, walkedBack, candidates);
            if (linking instanceof Planned planned) {
                return new Linked(planned.plan(), fetched);
            }
            String parent = ((NeedsParent) linking).hash();
            fetched.add(parent);
            walkedBack.add(0, node.get(parent));
        }
    }

    /** The window after a step writes {@code plan}, as the ingestor builds it. */
    private static ReorgWindow applied(ReorgWindow window, ReorgPlan plan) {
        return window.rebase(plan.keepThrough(), entries(plan.branch()));
    }

    private static List<String> hashes(List<Block> blocks) {
        return blocks.stream().map(Block::hash).toList();
    }

    private static List<String> orphaned(ReorgPlan plan) {
        return plan.orphaned().stream().map(ReorgWindow.Entry::hash).toList();
    }

    private static List<String> windowHashes(ReorgWindow window) {
        return window.entries().stream().map(ReorgWindow.Entry::hash).toList();
    }

    @Test
    void anEmptyWindowTakesTheBlocksAsTheyComeWithNothingToRetract() {
        ReorgPlan plan = link(ReorgWindow.empty(8), chainA(10, 12)).plan();
        assertThat(plan.reorg()).isFalse();
        assertThat(hashes(plan.branch())).containsExactly("0x10a", "0x11a", "0x12a");
        assertThat(plan.keepThrough()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void noReorgTheNextBlocksBuildOnTheHeadAndNothingIsFetchedOrRetracted() {
        ReorgWindow window = window(8, chainA(1, 3));
        Linked linked = link(window, chainA(4, 6));
        assertThat(linked.fetched()).isEmpty();
        assertThat(linked.plan().reorg()).isFalse();
        assertThat(linked.plan().deep(null)).isFalse();
        assertThat(linked.plan().ancestor()).isEqualTo(3);
        assertThat(hashes(linked.plan().branch())).containsExactly("0x4a", "0x5a", "0x6a");
        assertThat(windowHashes(applied(window, linked.plan())))
                .containsExactly("0x1a", "0x2a", "0x3a", "0x4a", "0x5a", "0x6a");
    }

    @Test
    void aBatchCutByAReorgWhileItWasReadIsWrittenUpToTheCut() {
        ReorgWindow window = window(8, chainA(1, 3));
        List<Block> read = List.of(block(4, 'a', 'a'), block(5, 'a', 'a'), block(6, 'b', 'b'));
        assertThat(hashes(link(window, read).plan().branch())).containsExactly("0x4a", "0x5a");
    }

    @Test
    void aOneBlockReorgAtTheTipRetractsTheOldHeadAndWritesItsReplacement() {
        ReorgWindow window = window(8, chainA(1, 3));
        Linked linked = link(window, List.of(block(3, 'b', 'a')));
        assertThat(linked.fetched()).isEmpty();
        assertThat(linked.plan().ancestor()).isEqualTo(2);
        assertThat(orphaned(linked.plan())).containsExactly("0x3a");
        assertThat(hashes(linked.plan().branch())).containsExactly("0x3b");
        assertThat(linked.plan().deep(null)).isFalse();
        assertThat(windowHashes(applied(window, linked.plan()))).containsExactly("0x1a", "0x2a", "0x3b");
    }

    @Test
    void aOneBlockReorgSeenOnlyFromTheNextBlockFetchesTheReplacementByHash() {
        ReorgWindow window = window(8, chainA(1, 3));
        block(3, 'b', 'a');
        Linked linked = link(window, List.of(block(4, 'b', 'b')));
        assertThat(linked.fetched()).containsExactly("0x3b");
        assertThat(orphaned(linked.plan())).containsExactly("0x3a");
        assertThat(hashes(linked.plan().branch())).containsExactly("0x3b", "0x4b");
        assertThat(windowHashes(applied(window, linked.plan()))).containsExactly("0x1a", "0x2a", "0x3b", "0x4b");
    }

    @Test
    void aDeepReorgWithinTheWindowWalksBackToTheCommonAncestorAndRetractsNewestFirst() {
        ReorgWindow window = window(8, chainA(1, 6));
        block(3, 'b', 'a');
        block(4, 'b', 'b');
        block(5, 'b', 'b');
        block(6, 'b', 'b');
        Linked linked = link(window, List.of(block(7, 'b', 'b')));
        assertThat(linked.fetched()).containsExactly("0x6b", "0x5b", "0x4b", "0x3b");
        assertThat(linked.plan().ancestor()).isEqualTo(2);
        assertThat(orphaned(linked.plan())).containsExactly("0x6a", "0x5a", "0x4a", "0x3a");
        assertThat(hashes(linked.plan().branch())).containsExactly("0x3b", "0x4b", "0x5b", "0x6b", "0x7b");
        assertThat(linked.plan().beyondWindow()).isFalse();
        assertThat(linked.plan().deep(1L))
                .as("ancestor above the finalized block")
                .isFalse();
        assertThat(linked.plan().deep(5L))
                .as("replaces blocks the node called final")
                .isTrue();
        assertThat(windowHashes(applied(window, linked.plan())))
                .containsExactly("0x1a", "0x2a", "0x3b", "0x4b", "0x5b", "0x6b", "0x7b");
    }

    @Test
    void aReorgDeeperThanTheWindowStopsAtItsOldestBlockRetractsAllOfItAndIsDeep() {
        chainA(1, 2);
        ReorgWindow window = window(3, chainA(3, 5));
        block(2, 'b', 'a');
        block(3, 'b', 'b');
        block(4, 'b', 'b');
        Linked linked = link(window, List.of(block(5, 'b', 'b')));
        // walks back to the window's oldest number, not further: below it the window knows no hash to meet
        assertThat(linked.fetched()).containsExactly("0x4b", "0x3b");
        assertThat(linked.plan().beyondWindow()).isTrue();
        assertThat(linked.plan().deep(null)).isTrue();
        assertThat(linked.plan().ancestor()).isEqualTo(Long.MIN_VALUE);
        assertThat(orphaned(linked.plan())).containsExactly("0x5a", "0x4a", "0x3a");
        assertThat(hashes(linked.plan().branch())).containsExactly("0x3b", "0x4b", "0x5b");
        assertThat(windowHashes(applied(window, linked.plan()))).containsExactly("0x3b", "0x4b", "0x5b");
    }

    @Test
    void aFlipFlopBackToTheFirstForkRetractsTheSecondAndRewritesTheFirst() {
        List<Block> a = chainA(1, 4);
        ReorgWindow window = window(8, a.subList(0, 3));
        // a -> b: 3b replaces 3a
        ReorgPlan toB = link(window, List.of(block(3, 'b', 'a'))).plan();
        assertThat(orphaned(toB)).containsExactly("0x3a");
        window = applied(window, toB);
        // b -> a again: 4a arrives, its parent 3a is no longer in the window, so 3a is fetched back and rewritten
        Linked toA = link(window, List.of(a.get(3)));
        assertThat(toA.fetched()).containsExactly("0x3a");
        assertThat(orphaned(toA.plan())).containsExactly("0x3b");
        assertThat(hashes(toA.plan().branch())).containsExactly("0x3a", "0x4a");
        assertThat(windowHashes(applied(window, toA.plan()))).containsExactly("0x1a", "0x2a", "0x3a", "0x4a");
    }

    @Test
    void nothingToLinkIsAnError() {
        assertThatThrownBy(() -> ReorgPlanner.link(ReorgWindow.empty(8), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
