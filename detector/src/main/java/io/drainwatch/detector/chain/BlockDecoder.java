package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Authorization;
import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Frame;
import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Receipt;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.AuthorizationTuple;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * Turns one block (transactions, receipts, call traces) into drainwatch events with deterministic
 * ids. Pure: the same inputs give the same events, which is what lets a replay after a crash or a
 * retraction after a reorg reproduce ids exactly.
 */
public final class BlockDecoder {
    private static final Logger log = LoggerFactory.getLogger(BlockDecoder.class);

    static final String TRANSFER = topic("Transfer(address,address,uint256)");
    static final String APPROVAL = topic("Approval(address,address,uint256)");
    static final String APPROVAL_FOR_ALL = topic("ApprovalForAll(address,address,bool)");
    static final String TRANSFER_SINGLE = topic("TransferSingle(address,address,address,uint256,uint256)");
    static final String TRANSFER_BATCH = topic("TransferBatch(address,address,address,uint256[],uint256[])");
    static final String PERMIT2_APPROVAL = topic("Approval(address,address,address,uint160,uint48)");
    static final String PERMIT2_PERMIT = topic("Permit(address,address,address,uint160,uint48,uint48)");
    /** EIP-2612 {@code permit(address,address,uint256,uint256,uint8,bytes32,bytes32)}. */
    static final String PERMIT_SELECTOR = "0xd505accf";

    private static final String ZERO = "0x0000000000000000000000000000000000000000";
    private static final BigInteger WORD_BYTES = BigInteger.valueOf(32);
    private static final BigInteger SECP256K1_N = Sign.CURVE_PARAMS.getN();
    /** EIP-2: a signature with s above n/2 is invalid (its low-s twin is the valid one). */
    private static final BigInteger HALF_N = SECP256K1_N.shiftRight(1);
    /** EIP-7702 skips authorisations with nonce 2^64-1 and above. */
    private static final BigInteger NONCE_LIMIT = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    /** WARN lines per block about skipped items; the metric counts all of them. */
    private static final int WARN_LINES_PER_BLOCK = 10;
    /** Every EVM chain's native coin has 18 decimals; token decimals are not read (the price table carries them). */
    static final int NATIVE_DECIMALS = 18;

    private final long chainId;
    private final IngestMetrics metrics;

    public BlockDecoder(long chainId, IngestMetrics metrics) {
        this.chainId = chainId;
        this.metrics = metrics;
    }

    private static String topic(String signature) {
        return Hash.sha3String(signature);
    }

    /**
     * The events of {@code block}; {@code traces} holds the root call frame per transaction hash
     * (empty when tracing is off: internal transfers are then not seen).
     */
    public BlockEvents decode(
            Block block, Map<String, Receipt> receipts, Map<String, Frame> traces, @Nullable Long finalizedNumber) {
        Instant time = Instant.ofEpochSecond(block.timestamp());
        BlockHead head = BlockHead.newBuilder()
                .setChainId(chainId)
                .setNumber(block.number())
                .setHash(block.hash())
                .setParentHash(block.parentHash())
                .setTime(time)
                .setFinalizedNumber(finalizedNumber)
                .setRemoved(false)
                .build();
        Ctx ctx = new Ctx(block, time);
        for (Transaction tx : block.transactions()) {
            Receipt receipt = receipts.get(tx.hash());
            if (receipt == null) {
                throw new IllegalStateException(
                        "no receipt for transaction " + tx.hash() + " of block " + block.hash());
            }
            guarded(ctx, tx, Undecodable.TRANSACTION, "transaction", () -> transaction(ctx, tx, receipt, traces));
        }
        if (ctx.skipped > WARN_LINES_PER_BLOCK) {
            log.warn(
                    "event=undecodable_summary chain={} block={} hash={} skipped={} logged={}",
                    chainId,
                    block.number(),
                    block.hash(),
                    ctx.skipped,
                    WARN_LINES_PER_BLOCK);
        }
        return new BlockEvents(head, ctx.transfers, ctx.approvals, ctx.delegations, List.of());
    }

    /** The events of one transaction; each log, authorisation and call is decoded on its own. */
    private void transaction(Ctx ctx, Transaction tx, Receipt receipt, Map<String, Frame> traces) {
        delegations(ctx, tx);
        if (!receipt.success()) {
            return; // a reverted transaction moved no value and its logs were discarded
        }
        String to = tx.to() != null ? tx.to() : receipt.contractAddress();
        if (tx.value().signum() > 0 && to != null) {
            ctx.transfers.add(
                    transfer(ctx, tx, TransferKind.NATIVE, tx.from(), to, Addresses.NATIVE, tx.value(), null, null, "")
                            .build());
        }
        guarded(ctx, tx, Undecodable.CALL, "permit", () -> permitCall(ctx, tx, tx.to(), tx.input(), ""));
        Frame root = traces.get(tx.hash());
        if (root != null && !root.failed()) {
            frames(ctx, tx, root.calls(), "");
        }
        for (Log l : receipt.logs()) {
            guarded(ctx, tx, Undecodable.LOG, "log:" + l.logIndex(), () -> decodeLog(ctx, tx, l));
        }
    }

    /**
     * Runs {@code decode} for one item; if it throws, what it added is taken back and the item is skipped
     * and counted: one malformed item (any contract can emit one) must neither stop the block nor the loop.
     */
    private void guarded(Ctx ctx, Transaction tx, Undecodable type, String at, Runnable decode) {
        int transfers = ctx.transfers.size();
        int approvals = ctx.approvals.size();
        int delegations = ctx.delegations.size();
        try {
            decode.run();
        } catch (RuntimeException e) {
            ctx.transfers.subList(transfers, ctx.transfers.size()).clear();
            ctx.approvals.subList(approvals, ctx.approvals.size()).clear();
            ctx.delegations.subList(delegations, ctx.delegations.size()).clear();
            skip(ctx, type, tx.hash(), at, e);
        }
    }

    private final class Ctx {
        final Block block;
        final Instant time;
        final List<TransferEvent> transfers = new ArrayList<>();
        final List<ApprovalEvent> approvals = new ArrayList<>();
        final List<DelegationEvent> delegations = new ArrayList<>();
        int skipped;

        Ctx(Block block, Instant time) {
            this.block = block;
            this.time = time;
        }

        String id(String txHash, String suffix) {
            return chainId + ":" + block.hash() + ":" + txHash + ":" + suffix;
        }
    }

    private void frames(Ctx ctx, Transaction tx, List<Frame> frames, String parent) {
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            String address = parent.isEmpty() ? Integer.toString(i) : parent + "." + i;
            if (f.failed()) {
                continue; // a reverted frame and everything under it moved nothing
            }
            boolean movesValue = switch (f.type()) {
                case "CALL", "CREATE", "CREATE2", "SELFDESTRUCT" -> true;
                default -> false; // DELEGATECALL and CALLCODE echo the caller's value; STATICCALL carries none
            };
            if (movesValue && f.value().signum() > 0 && f.to() != null) {
                ctx.transfers.add(transfer(
                                ctx,
                                tx,
                                TransferKind.INTERNAL,
                                f.from(),
                                f.to(),
                                Addresses.NATIVE,
                                f.value(),
                                null,
                                null,
                                "call:" + address)
                        .setTraceAddress(address)
                        .build());
            }
            if (f.type().equals("CALL")) {
                // a DELEGATECALL (a proxy running its implementation) or CALLCODE repeats its caller's call in
                // the caller's storage, so its permit was seen at the caller; STATICCALL and CREATE set none
                guarded(
                        ctx,
                        tx,
                        Undecodable.CALL,
                        "permit:" + address,
                        () -> permitCall(ctx, tx, f.to(), f.input(), address));
            }
            frames(ctx, tx, f.calls(), address);
        }
    }

    private TransferEvent.Builder transfer(
            Ctx ctx,
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
                .setEventId(ctx.id(tx.hash(), idSuffix.isEmpty() ? "call" : idSuffix))
                .setTxHash(tx.hash())
                .setBlockNumber(ctx.block.number())
                .setBlockHash(ctx.block.hash())
                .setBlockTime(ctx.time)
                .setLogIndex(logIndex)
                .setTraceAddress(null)
                .setRemoved(false)
                .setTxFrom(tx.from())
                .setDecimals(asset.equals(Addresses.NATIVE) ? NATIVE_DECIMALS : null);
    }

    private ApprovalEvent.Builder approval(
            Ctx ctx,
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
                .setEventId(ctx.id(tx.hash(), idSuffix))
                .setTxHash(tx.hash())
                .setTxFrom(tx.from())
                .setBlockNumber(ctx.block.number())
                .setBlockHash(ctx.block.hash())
                .setBlockTime(ctx.time)
                .setLogIndex(logIndex)
                .setRemoved(false);
    }

    /** The token event of {@code l}; throws when it has a standard event's shape but does not decode as it. */
    private void decodeLog(Ctx ctx, Transaction tx, Log l) {
        if (l.topics().isEmpty()) {
            return;
        }
        String sig = l.topics().get(0);
        int n = l.topics().size();
        String idx = Integer.toString(l.logIndex());
        if (sig.equals(TRANSFER) && n == 3) {
            ctx.transfers.add(transfer(
                            ctx,
                            tx,
                            TransferKind.ERC20,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            Hex.wordNumber(l.data(), 0),
                            null,
                            l.logIndex(),
                            idx)
                    .build());
        } else if (sig.equals(TRANSFER) && n == 4) {
            ctx.transfers.add(transfer(
                            ctx,
                            tx,
                            TransferKind.ERC721,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            BigInteger.ONE,
                            Hex.big(l.topics().get(3)),
                            l.logIndex(),
                            idx)
                    .build());
        } else if (sig.equals(TRANSFER_SINGLE) && n == 4) {
            ctx.transfers.add(transfer(
                            ctx,
                            tx,
                            TransferKind.ERC1155,
                            Hex.addressFromWord(l.topics().get(2)),
                            Hex.addressFromWord(l.topics().get(3)),
                            l.address(),
                            Hex.wordNumber(l.data(), 1),
                            Hex.wordNumber(l.data(), 0),
                            l.logIndex(),
                            idx)
                    .build());
        } else if (sig.equals(TRANSFER_BATCH) && n == 4) {
            List<BigInteger> ids = array(l.data(), 0);
            List<BigInteger> values = array(l.data(), 1);
            if (ids.size() != values.size()) {
                throw new IllegalArgumentException(
                        "ids (" + ids.size() + ") and values (" + values.size() + ") differ in length");
            }
            for (int i = 0; i < ids.size(); i++) {
                ctx.transfers.add(transfer(
                                ctx,
                                tx,
                                TransferKind.ERC1155,
                                Hex.addressFromWord(l.topics().get(2)),
                                Hex.addressFromWord(l.topics().get(3)),
                                l.address(),
                                values.get(i),
                                ids.get(i),
                                l.logIndex(),
                                idx + ":" + i)
                        .build());
            }
        } else if (sig.equals(APPROVAL) && n == 3) {
            BigInteger amount = Hex.wordNumber(l.data(), 0);
            ctx.approvals.add(approval(
                            ctx,
                            tx,
                            ApprovalKind.ERC20_APPROVAL,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            amount,
                            amount.signum() > 0,
                            l.logIndex(),
                            idx)
                    .build());
        } else if (sig.equals(APPROVAL) && n == 4) {
            // ERC-721 approve(spender, tokenId): the spender may move that one token
            String spender = Hex.addressFromWord(l.topics().get(2));
            ctx.approvals.add(approval(
                            ctx,
                            tx,
                            ApprovalKind.OTHER,
                            Hex.addressFromWord(l.topics().get(1)),
                            spender,
                            l.address(),
                            null,
                            !spender.equals(ZERO),
                            l.logIndex(),
                            idx)
                    .build());
        } else if (sig.equals(APPROVAL_FOR_ALL) && n == 3) {
            ctx.approvals.add(approval(
                            ctx,
                            tx,
                            ApprovalKind.APPROVAL_FOR_ALL,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            null,
                            Hex.wordNumber(l.data(), 0).signum() != 0,
                            l.logIndex(),
                            idx)
                    .build());
        } else if ((sig.equals(PERMIT2_APPROVAL) || sig.equals(PERMIT2_PERMIT)) && n == 4) {
            BigInteger amount = Hex.wordNumber(l.data(), 0);
            ctx.approvals.add(approval(
                            ctx,
                            tx,
                            sig.equals(PERMIT2_APPROVAL) ? ApprovalKind.PERMIT2_APPROVAL : ApprovalKind.PERMIT2_PERMIT,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(3)),
                            Hex.addressFromWord(l.topics().get(2)),
                            amount,
                            amount.signum() > 0,
                            l.logIndex(),
                            idx)
                    .build());
        }
    }

    /**
     * The dynamic uint256[] whose byte offset is in word {@code headIndex}. Offset and length come from the
     * log, so both are checked against the words actually present before anything is allocated.
     */
    private static List<BigInteger> array(String data, int headIndex) {
        int words = Hex.words(data);
        BigInteger offset = Hex.wordNumber(data, headIndex);
        if (offset.mod(WORD_BYTES).signum() != 0 || offset.compareTo(BigInteger.valueOf(32L * words)) >= 0) {
            throw new IllegalArgumentException(
                    "array offset " + offset + " is not a word inside the " + words + " words of data");
        }
        int at = offset.divide(WORD_BYTES).intValueExact();
        BigInteger length = Hex.wordNumber(data, at);
        if (length.compareTo(BigInteger.valueOf(words - at - 1L)) > 0) {
            throw new IllegalArgumentException(
                    "array length " + length + " exceeds the " + (words - at - 1) + " words after it");
        }
        int n = length.intValueExact();
        List<BigInteger> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Hex.wordNumber(data, at + 1 + i));
        }
        return out;
    }

    /** Counts a skipped item and says which one it was (the first few of a block). */
    private void skip(Ctx ctx, Undecodable type, String txHash, String at, RuntimeException e) {
        metrics.undecodable(type);
        ctx.skipped++;
        if (ctx.skipped <= WARN_LINES_PER_BLOCK) {
            log.warn(
                    "event=undecodable chain={} type={} block={} tx={} at={} reason=\"{}\"",
                    chainId,
                    type.label(),
                    ctx.block.number(),
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

    /**
     * An EIP-2612 permit in a transaction signed by someone other than the owner (the owner's signature
     * was obtained and submitted by another account): the spender can now move funds. Called for the
     * transaction's own call and for each CALL frame under it.
     */
    private void permitCall(Ctx ctx, Transaction tx, @Nullable String token, String input, String traceAddress) {
        if (token == null || !input.startsWith(PERMIT_SELECTOR)) {
            return;
        }
        String args = input.substring(PERMIT_SELECTOR.length());
        if (Hex.words(args) < 7) {
            return;
        }
        String owner = Hex.addressFromWord(Hex.word(args, 0));
        if (owner.equals(tx.from())) {
            return; // the owner's own transaction, directly or through a router (selfPermit, multicall)
        }
        BigInteger amount = Hex.wordNumber(args, 2);
        ctx.approvals.add(approval(
                        ctx,
                        tx,
                        ApprovalKind.EIP2612_PERMIT,
                        owner,
                        Hex.addressFromWord(Hex.word(args, 1)),
                        token,
                        amount,
                        amount.signum() > 0,
                        null,
                        traceAddress.isEmpty() ? "permit" : "permit:" + traceAddress)
                .build());
    }

    private void delegations(Ctx ctx, Transaction tx) {
        List<Authorization> auths = tx.authorizations();
        for (int i = 0; i < auths.size(); i++) {
            Authorization a = auths.get(i);
            if (a.chainId().signum() != 0 && !a.chainId().equals(BigInteger.valueOf(chainId))) {
                continue; // signed for another chain: the protocol skips it
            }
            int index = i;
            guarded(ctx, tx, Undecodable.AUTHORIZATION, "auth:" + i, () -> delegation(ctx, tx, a, index));
        }
    }

    private void delegation(Ctx ctx, Transaction tx, Authorization a, int index) {
        String invalid = invalid(a);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        String authority;
        try {
            authority = Hex.lower(Sign.recoverAuthorizationSigner(
                    new AuthorizationTuple(a.chainId(), a.address(), a.nonce(), a.yParity(), a.r(), a.s())));
        } catch (java.security.SignatureException e) {
            throw new IllegalArgumentException("authority not recoverable: " + e.getMessage(), e);
        }
        ctx.delegations.add(DelegationEvent.newBuilder()
                .setChainId(chainId)
                .setAuthority(authority)
                .setDelegate(a.address())
                .setAuthorizationNonce(a.nonce().longValueExact())
                .setEventId(ctx.id(tx.hash(), "auth:" + index))
                .setTxHash(tx.hash())
                .setTxFrom(tx.from())
                .setBlockNumber(ctx.block.number())
                .setBlockHash(ctx.block.hash())
                .setBlockTime(ctx.time)
                .setRemoved(false)
                .build());
    }

    /**
     * Why the protocol skips {@code a} without looking at state (EIP-7702 nonce bound, EIP-2 signature
     * bounds), or null. A nonce of 2^63 or more is skipped too: no account can reach it, and it does not
     * fit the event's nonce field.
     */
    private static @Nullable String invalid(Authorization a) {
        if (a.nonce().signum() < 0 || a.nonce().compareTo(NONCE_LIMIT) >= 0) {
            return "nonce " + a.nonce() + " is not below 2^64-1";
        }
        if (a.nonce().bitLength() > 63) {
            return "nonce " + a.nonce() + " is beyond any account's reach";
        }
        if (a.yParity().signum() < 0 || a.yParity().compareTo(BigInteger.ONE) > 0) {
            return "y_parity " + a.yParity() + " is neither 0 nor 1";
        }
        if (a.r().signum() <= 0 || a.r().compareTo(SECP256K1_N) >= 0) {
            return "r is outside 1..n-1";
        }
        if (a.s().signum() <= 0 || a.s().compareTo(HALF_N) > 0) {
            return "s is outside 1..n/2";
        }
        return null;
    }
}
