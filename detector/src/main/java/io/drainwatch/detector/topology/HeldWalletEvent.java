package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Transfer;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * What the wallet stage holds for block order: an outflow or an inflow, which come from the transfers
 * topic's partitions of their senders, or a wallet's balance after a block, which sorts after the
 * block's transfers. Exactly one of {@code outflow}, {@code inflow} and {@code balance} is set.
 *
 * @param position orders a block's events: transfers with a log index by it (chain order among a block's
 *     token transfers), those without (native value, internal calls) before them by event id, the balances
 *     last
 * @param timestamp the record's timestamp, which what the event leads to keeps
 * @param heldAt when (wall clock) it came
 */
record HeldWalletEvent(
        long chainId,
        long block,
        String position,
        @Nullable Transfer outflow,
        @Nullable Transfer inflow,
        @Nullable BlockBalance balance,
        long timestamp,
        long heldAt)
        implements BlockOrderGate.Gated {

    /** A wallet's balance of an asset after a block, as {@code chain.balances} reports it. */
    record BlockBalance(long chainId, String wallet, String asset, BigInteger balance) {}

    static HeldWalletEvent outflow(TransferEvent e, long timestamp, long now) {
        return new HeldWalletEvent(
                e.getChainId(), e.getBlockNumber(), position(e, "out"), Transfers.of(e), null, null, timestamp, now);
    }

    static HeldWalletEvent inflow(TransferEvent e, long timestamp, long now) {
        return new HeldWalletEvent(
                e.getChainId(), e.getBlockNumber(), position(e, "in"), null, Transfers.of(e), null, timestamp, now);
    }

    static HeldWalletEvent balance(BalanceSnapshot b, long timestamp, long now) {
        BlockBalance balance =
                new BlockBalance(b.getChainId(), b.getWallet(), b.getAsset(), Transfers.integer(b.getBalance()));
        // '~' sorts after the digits that begin a transfer's position
        String position = "~/" + b.getWallet() + "/" + b.getAsset();
        return new HeldWalletEvent(b.getChainId(), b.getBlockNumber(), position, null, null, balance, timestamp, now);
    }

    /** Whether a reorganisation removed the transfer. */
    boolean removed() {
        Transfer t = outflow != null ? outflow : inflow;
        return t != null && t.removed();
    }

    /** One transfer is an outflow of its sender and an inflow of its recipient: both may be held. */
    private static String position(TransferEvent e, String side) {
        Integer logIndex = e.getLogIndex();
        long slot = logIndex == null ? 0 : logIndex + 1L;
        return BlockOrderGate.pad(slot, 10) + "/" + e.getEventId() + "/" + side;
    }
}
