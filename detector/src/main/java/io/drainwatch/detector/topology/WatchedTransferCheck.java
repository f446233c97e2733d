package io.drainwatch.detector.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * The filter's question about one encoded transfer: does it concern a watched wallet? Shared by the
 * main consumer's pre-filter and the filter processor so both always agree. Not thread-safe: one
 * instance per thread.
 */
final class WatchedTransferCheck {
    private final TransferPrefix prefix = new TransferPrefix();
    private final WatchedWalletsStore watched;
    private final AddressTable.Batch batch = new AddressTable.Batch();
    private final int[] batched = new int[AddressTable.Batch.CAPACITY / 2];

    WatchedTransferCheck(WatchedWalletsStore watched) {
        this.watched = watched;
    }

    /** Whether the sender is watched. Valid after {@link #parse}. */
    boolean fromWatched;
    /** Whether the recipient is watched. Valid after {@link #parse}. */
    boolean toWatched;
    /** Whether the sender received drained funds (and is not watched). Valid after {@link #parse}. */
    boolean fromTainted;

    /** Reads {@code value}'s chain and addresses; throws {@link SerializationException} if it is not a transfer. */
    void parse(byte[] value) {
        prefix.parse(value);
        fromWatched = prefix.fromHex >= 0 && watched.contains(prefix.chainId, value, prefix.fromHex);
        toWatched = prefix.toHex >= 0 && watched.contains(prefix.chainId, value, prefix.toHex);
        fromTainted = !fromWatched && prefix.fromHex >= 0 && watched.tainted(prefix.chainId, value, prefix.fromHex);
    }

    /**
     * Whether the record can be dropped unseen: a well-formed transfer touching no watched wallet.
     * Anything else (a watched transfer, a tombstone, bytes that are not a transfer) goes on to the
     * filter processor, which forwards it or sends it to the dead-letter topic.
     */
    boolean ignorable(byte @Nullable [] value) {
        if (value == null) {
            return false;
        }
        try {
            parse(value);
        } catch (SerializationException e) {
            return false;
        }
        return !fromWatched && !toWatched && !fromTainted;
    }

    /**
     * Sets {@code ignorable[i]} to {@link #ignorable(byte[]) ignorable(values[i])} for each of the first
     * {@code n} values. Faster than one call per value: the watched-wallet lookups of many records
     * are made together, so their cache misses overlap.
     */
    void ignorable(byte[][] values, int n, boolean[] ignorable) {
        int i = 0;
        while (i < n) {
            batch.clear();
            int records = 0;
            while (i < n && !batch.full()) {
                byte[] value = values[i];
                ignorable[i] = false;
                if (value != null) {
                    try {
                        prefix.parse(value);
                        batch.add(prefix.chainId, value, prefix.fromHex);
                        batch.add(prefix.chainId, value, prefix.toHex);
                        batched[records++] = i;
                    } catch (SerializationException e) {
                        // not a transfer: it goes on, to the dead-letter topic
                    }
                }
                i++;
            }
            watched.containsAll(batch);
            boolean taints = watched.anyTainted();
            for (int r = 0; r < records; r++) {
                boolean unwatched = batch.value(2 * r) < 0 && batch.value(2 * r + 1) < 0;
                ignorable[batched[r]] = unwatched && !(taints && watched.tainted(batch, 2 * r));
            }
        }
        batch.clear();
    }
}
