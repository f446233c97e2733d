package io.drainwatch.detector.demo;

import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One block of the scenario's chain: the transfers, token approvals and EIP-7702 delegations in it,
 * the balances they leave, and the transactions the custodian's signer authorised for it. Records are built when the block is
 * emitted, because a block's time is the wall clock at that moment.
 */
public record ScenarioBlock(
        long chainId,
        int index,
        long number,
        String hash,
        String parentHash,
        List<Move> moves,
        List<BalanceChange> balances,
        List<Signed> signed,
        List<Approval> approvals,
        List<Delegation> delegations) {

    public ScenarioBlock {
        moves = List.copyOf(moves);
        approvals = List.copyOf(approvals);
        delegations = List.copyOf(delegations);
        balances = List.copyOf(balances);
        signed = List.copyOf(signed);
    }

    /**
     * A transfer: {@code logIndex} is null for native value, {@code senderBefore/After} only for watched
     * senders; {@code txFrom} is who sent the transaction (a spender or the attacker driving a delegated
     * wallet), {@code from} when it is the wallet itself.
     */
    public record Move(
            String txHash,
            String txFrom,
            String from,
            String to,
            String asset,
            int decimals,
            BigInteger amount,
            @Nullable Integer logIndex,
            @Nullable BigInteger senderBefore,
            @Nullable BigInteger senderAfter,
            @Nullable Boolean recipientFresh) {}

    /** An ERC-20 approval of {@code amount} (unlimited: 2^256-1) of {@code token} by {@code owner} to {@code spender}. */
    public record Approval(String txHash, String owner, String spender, String token, BigInteger amount) {}

    /** An EIP-7702 authorisation of {@code authority} to run {@code delegate}'s code. */
    public record Delegation(String txHash, String authority, String delegate, String txFrom) {}

    /** A watched wallet's balance of one asset before and after the block. */
    public record BalanceChange(String wallet, String asset, int decimals, BigInteger before, BigInteger after) {}

    /** A transaction the custodian's signer authorised, with the operator's reference. */
    public record Signed(String txHash, String from, String to, String reference) {}

    /** The signer's records for this block's custodian transactions, to be published before the block. */
    public List<FeedRecord> signedTransactions(Instant signedAt) {
        List<FeedRecord> out = new ArrayList<>(signed.size());
        for (Signed s : signed) {
            SignedTransaction tx = SignedTransaction.newBuilder()
                    .setChainId(chainId)
                    .setTxHash(s.txHash())
                    .setFrom(s.from())
                    .setTo(s.to())
                    .setSignedAt(signedAt)
                    .setSigner("custody-signer")
                    .setReference(s.reference())
                    .build();
            out.add(new FeedRecord(FeedRecord.Target.SIGNED_TX, tx));
        }
        return out;
    }

    /** The block as the ingestor would publish it: approvals, delegations, transfers, then balances, then the head. */
    public List<FeedRecord> chainRecords(Instant blockTime) {
        List<FeedRecord> out = new ArrayList<>(moves.size() + balances.size() + 1);
        int grantIndex = 0;
        for (Approval a : approvals) {
            int logIndex = 1000 + grantIndex++;
            ApprovalEvent event = ApprovalEvent.newBuilder()
                    .setChainId(chainId)
                    .setOwner(a.owner())
                    .setSpender(a.spender())
                    .setKind(ApprovalKind.ERC20_APPROVAL)
                    .setToken(a.token())
                    .setAmount(new BigDecimal(a.amount()))
                    .setApproved(a.amount().signum() > 0)
                    .setEventId(chainId + ":" + hash + ":" + a.txHash() + ":" + logIndex)
                    .setTxHash(a.txHash())
                    .setTxFrom(a.owner())
                    .setBlockNumber(number)
                    .setBlockHash(hash)
                    .setBlockTime(blockTime)
                    .setLogIndex(logIndex)
                    .build();
            out.add(new FeedRecord(FeedRecord.Target.APPROVALS, event));
        }
        for (Delegation d : delegations) {
            DelegationEvent event = DelegationEvent.newBuilder()
                    .setChainId(chainId)
                    .setAuthority(d.authority())
                    .setDelegate(d.delegate())
                    .setAuthorizationNonce(0)
                    .setEventId(chainId + ":" + hash + ":" + d.txHash() + ":auth:" + d.authority())
                    .setTxHash(d.txHash())
                    .setTxFrom(d.txFrom())
                    .setBlockNumber(number)
                    .setBlockHash(hash)
                    .setBlockTime(blockTime)
                    .build();
            out.add(new FeedRecord(FeedRecord.Target.DELEGATIONS, event));
        }
        for (Move m : moves) {
            boolean nativeValue = m.logIndex() == null;
            TransferEvent event = TransferEvent.newBuilder()
                    .setChainId(chainId)
                    .setFrom(m.from())
                    .setTo(m.to())
                    .setKind(nativeValue ? TransferKind.NATIVE : TransferKind.ERC20)
                    .setAsset(m.asset())
                    .setAmount(new BigDecimal(m.amount()))
                    .setDecimals(m.decimals())
                    .setEventId(chainId + ":" + hash + ":" + m.txHash() + ":"
                            + (nativeValue ? Addresses.NATIVE : m.logIndex()))
                    .setTxHash(m.txHash())
                    .setBlockNumber(number)
                    .setBlockHash(hash)
                    .setBlockTime(blockTime)
                    .setLogIndex(m.logIndex())
                    .setSenderBalanceBefore(decimal(m.senderBefore()))
                    .setSenderBalanceAfter(decimal(m.senderAfter()))
                    .setTxFrom(m.txFrom())
                    .setRecipientFresh(m.recipientFresh())
                    .build();
            out.add(new FeedRecord(FeedRecord.Target.TRANSFERS, event));
        }
        for (BalanceChange b : balances) {
            BalanceSnapshot snapshot = BalanceSnapshot.newBuilder()
                    .setChainId(chainId)
                    .setWallet(b.wallet())
                    .setAsset(b.asset())
                    .setBalance(new BigDecimal(b.after()))
                    .setPreviousBalance(new BigDecimal(b.before()))
                    .setDecimals(b.decimals())
                    .setBlockNumber(number)
                    .setBlockHash(hash)
                    .setBlockTime(blockTime)
                    .build();
            out.add(new FeedRecord(FeedRecord.Target.BALANCES, snapshot));
        }
        BlockHead head = BlockHead.newBuilder()
                .setChainId(chainId)
                .setNumber(number)
                .setHash(hash)
                .setParentHash(parentHash)
                .setTime(blockTime)
                .build();
        out.add(new FeedRecord(FeedRecord.Target.HEADS, head));
        return out;
    }

    private static @Nullable BigDecimal decimal(@Nullable BigInteger value) {
        return value == null ? null : new BigDecimal(value);
    }
}
