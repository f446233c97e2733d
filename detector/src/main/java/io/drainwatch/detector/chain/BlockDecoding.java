package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block being decoded: the events found in it so far, the items skipped, and the builders that stamp
 * an event with its block and a deterministic id. The per-item decoders add to it; {@link BlockDecoder}
 * makes one per block.
 */
final class BlockDecoding {
    /** Under the decoder's name: operators filter the undecodable lines by it. */
    private static final Logger log = LoggerFactory.getLogger(BlockDecoder.class);
    /** WARN lines per block about skipped items; the metric counts all of them. */
    static final int WARN_LINES_PER_BLOCK = 10;

    final long chainId;
    final Block block;
    final Instant time;
    final List<TransferEvent> transfers = new ArrayList<>();
    final List<ApprovalEvent> approvals = new ArrayList<>();
    final List<DelegationEvent> delegations = new ArrayList<>();
    private final IngestMetrics metrics;
    private int skipped;

    BlockDecoding(long chainId, Block block, IngestMetrics metrics) {
        this.chainId = chainId;
        this.block = block;
        this.time = Instant.ofEpochSecond(block.timestamp());
        this.metrics = metrics;
    }

    /** How many items of this block were skipped as undecodable. */
    int skipped() {
        return skipped;
    }

    String id(String txHash, String suffix) {
        return chainId + ":" + block.hash() + ":" + txHash + ":" + suffix;
    }

    /**
     * Runs {@code decode} for one item; if it throws, what it added is taken back and the item is skipped
     * and counted: one malformed item (any contract can emit one) must neither stop the block nor the loop.
     */
    void guarded(Transaction tx, Undecodable type, String at, Runnable decode) {
        int transferCount = transfers.size();
        int approvalCount = approvals.size();
        int delegationCount = delegations.size();
        try {
            decode.run();
        } catch (RuntimeException e) {
            transfers.subList(transferCount, transfers.size()).clear();
            approvals.subList(approvalCount, approvals.size()).clear();
            delegations.subList(delegationCount, delegations.size()).clear();
            skip(type, tx.hash(), at, e);
        }
    }

    /** Counts a skipped item and says which one it was (the first few of a block). */
    private void skip(Undecodable type, String txHash, String at, RuntimeException e) {
        metrics.undecodable(type);
        skipped++;
        if (skipped <= WARN_LINES_PER_BLOCK) {
            log.warn(
                    "event=undecodable chain={} type={} block={} tx={} at={} reason=\"{}\"",
                    chainId,
                    type.label(),
                    block.number(),
                    txHash,
                    at,
                    reason(e));
        }
    }

    /** An exception's message fit for one key=value field: it may quote chain data. */
    private static String reason(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceAll("[\"\\r\\n]", "'");
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    TransferEvent.Builder transfer(
            Transaction tx,
            TransferKind kind,
            String from,
            String to,
            String asset,
            BigInteger amount,
            @Nullable BigInteger tokenId,
            @Nullable Integer logIndex,
            String idSuffix) {
        return TransferEvent.newBuilder()
                .setChainId(chainId)
                .setFrom(from)
                .setTo(to)
                .setKind(kind)
                .setAsset(asset)
                .setAmount(new BigDecimal(amount))
                .setTokenId(tokenId == null ? null : new BigDecimal(tokenId))
                .setEventId(id(tx.hash(), idSuffix.isEmpty() ? "call" : idSuffix))
                .setTxHash(tx.hash())
                .setBlockNumber(block.number())
                .setBlockHash(block.hash())
                .setBlockTime(time)
                .setLogIndex(logIndex)
                .setTraceAddress(null)
                .setRemoved(false)
                .setTxFrom(tx.from())
                .setDecimals(asset.equals(Addresses.NATIVE) ? BlockDecoder.NATIVE_DECIMALS : null);
    }

    ApprovalEvent.Builder approval(
            Transaction tx,
            ApprovalKind kind,
            String owner,
            String spender,
            String token,
            @Nullable BigInteger amount,
            boolean approved,
            @Nullable Integer logIndex,
            String idSuffix) {
        return ApprovalEvent.newBuilder()
                .setChainId(chainId)
                .setOwner(owner)
                .setSpender(spender)
                .setKind(kind)
                .setToken(token)
                .setAmount(amount == null ? null : new BigDecimal(amount))
                .setApproved(approved)
                .setEventId(id(tx.hash(), idSuffix))
                .setTxHash(tx.hash())
                .setTxFrom(tx.from())
                .setBlockNumber(block.number())
                .setBlockHash(block.hash())
                .setBlockTime(time)
                .setLogIndex(logIndex)
                .setRemoved(false);
    }
}
