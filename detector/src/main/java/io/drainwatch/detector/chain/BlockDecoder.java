package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Frame;
import io.drainwatch.detector.chain.NodeData.Receipt;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferKind;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one block (transactions, receipts, call traces) into drainwatch events with deterministic
 * ids. Pure: the same inputs give the same events, which is what lets a replay after a crash or a
 * retraction after a reorg reproduce ids exactly. What each part of a transaction means is decoded
 * apart: {@link AuthorizationDecoder}, {@link PermitCallDecoder}, {@link TraceDecoder} and
 * {@link LogDecoders}.
 */
public final class BlockDecoder {
    private static final Logger log = LoggerFactory.getLogger(BlockDecoder.class);

    /** Every EVM chain's native coin has 18 decimals; token decimals are not read (the price table carries them). */
    static final int NATIVE_DECIMALS = 18;

    private final long chainId;
    private final IngestMetrics metrics;

    public BlockDecoder(long chainId, IngestMetrics metrics) {
        this.chainId = chainId;
        this.metrics = metrics;
    }

    /**
     * The events of {@code block}; {@code traces} holds the root call frame per transaction hash
     * (empty when tracing is off: internal transfers are then not seen).
     */
    public BlockEvents decode(
            Block block, Map<String, Receipt> receipts, Map<String, Frame> traces, @Nullable Long finalizedNumber) {
        BlockDecoding decoding = new BlockDecoding(chainId, block, metrics);
        BlockHead head = BlockHead.newBuilder()
                .setChainId(chainId)
                .setNumber(block.number())
                .setHash(block.hash())
                .setParentHash(block.parentHash())
                .setTime(decoding.time)
                .setFinalizedNumber(finalizedNumber)
                .setRemoved(false)
                .build();
        for (Transaction tx : block.transactions()) {
            Receipt receipt = receipts.get(tx.hash());
            if (receipt == null) {
                throw new IllegalStateException(
                        "no receipt for transaction " + tx.hash() + " of block " + block.hash());
            }
            decoding.guarded(
                    tx, Undecodable.TRANSACTION, "transaction", () -> transaction(decoding, tx, receipt, traces));
        }
        if (decoding.skipped() > BlockDecoding.WARN_LINES_PER_BLOCK) {
            log.warn(
                    "event=undecodable_summary chain={} block={} hash={} skipped={} logged={}",
                    chainId,
                    block.number(),
                    block.hash(),
                    decoding.skipped(),
                    BlockDecoding.WARN_LINES_PER_BLOCK);
        }
        return new BlockEvents(head, decoding.transfers, decoding.approvals, decoding.delegations, List.of());
    }

    /** The events of one transaction; each log, authorisation and call is decoded on its own. */
    private static void transaction(
            BlockDecoding decoding, Transaction tx, Receipt receipt, Map<String, Frame> traces) {
        AuthorizationDecoder.decode(decoding, tx);
        if (!receipt.success()) {
            return; // a reverted transaction moved no value and its logs were discarded
        }
        String to = tx.to() != null ? tx.to() : receipt.contractAddress();
        if (tx.value().signum() > 0 && to != null) {
            decoding.transfers.add(decoding.transfer(
                            tx, TransferKind.NATIVE, tx.from(), to, Addresses.NATIVE, tx.value(), null, null, "")
                    .build());
        }
        decoding.guarded(
                tx, Undecodable.CALL, "permit", () -> PermitCallDecoder.decode(decoding, tx, tx.to(), tx.input(), ""));
        Frame root = traces.get(tx.hash());
        if (root != null) {
            TraceDecoder.decode(decoding, tx, root);
        }
        LogDecoders.decode(decoding, tx, receipt.logs());
    }
}
