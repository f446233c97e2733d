package io.drainwatch.detector.chain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The most recent canonical blocks as the ingestor wrote them, oldest first, with what it wrote for
 * each (absent for blocks restored from the progress record after a restart). Immutable: a step
 * builds the next window, writes it as progress in the same Kafka transaction as the events, and only
 * then adopts it.
 */
public final class ReorgWindow {
    /**
     * One block of the window; {@code writtenAt} is when its events were sent to Kafka (wall clock),
     * which bounds where a restarted ingestor looks for them when a reorg orphans the block.
     */
    public record Entry(
            long number,
            String hash,
            String parentHash,
            long writtenAt,
            @Nullable BlockEvents events) {}

    private final int capacity;
    private final List<Entry> entries;
    private final Map<String, Entry> byHash;

    private ReorgWindow(int capacity, List<Entry> entries) {
        this.capacity = capacity;
        this.entries = List.copyOf(entries);
        this.byHash = new HashMap<>();
        for (Entry e : this.entries) {
            byHash.put(e.hash(), e);
        }
    }

    public static ReorgWindow empty(int capacity) {
        return new ReorgWindow(capacity, List.of());
    }

    public static ReorgWindow of(int capacity, List<Entry> entries) {
        List<Entry> tail =
                entries.size() > capacity ? entries.subList(entries.size() - capacity, entries.size()) : entries;
        return new ReorgWindow(capacity, tail);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The newest block written. */
    public Entry head() {
        return entries.get(entries.size() - 1);
    }

    public Entry oldest() {
        return entries.get(0);
    }

    public Optional<Entry> byHash(String hash) {
        return Optional.ofNullable(byHash.get(hash));
    }

    public boolean contains(String hash) {
        return byHash.containsKey(hash);
    }

    /** The blocks above {@code number}, newest first: what a reorg to an ancestor at {@code number} orphans. */
    public List<Entry> above(long number) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.number() > number) {
                out.add(e);
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** This window without the blocks above {@code number}, then with {@code added} appended, trimmed to capacity. */
    public ReorgWindow rebase(long number, List<Entry> added) {
        List<Entry> next = new ArrayList<>();
        for (Entry e : entries) {
            if (e.number() <= number) {
                next.add(e);
            }
        }
        next.addAll(added);
        return of(capacity, next);
    }

    public List<Entry> entries() {
        return entries;
    }

    public int capacity() {
        return capacity;
    }
}
