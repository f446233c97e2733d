package io.drainwatch.detector.topology;

import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/** Builds chain records for topology tests: chain 1, one block per call to {@link #nextBlock}. */
final class Chain {
    static final long CHAIN = 1;
    static final String USDC = "0x00000000000000000000000000000000000000c0";
    static final BigInteger ETH = BigInteger.TEN.pow(18);
    static final BigInteger DOLLAR = BigInteger.TEN.pow(6);

    private long block = 100;
    private long time;
    private int tx;

    Chain(Instant start) {
        this.time = start.toEpochMilli();
    }

    static String address(int n) {
        return String.format("0x%040x", n);
    }

    long nextBlock() {
        block++;
        time += 12_000;
        return block;
    }

    /** Lets {@code duration} of block time pass (in 12 s blocks) before the next block. */
    void idle(java.time.Duration duration) {
        long blocks = duration.toMillis() / 12_000;
        block += blocks;
        time += blocks * 12_000;
    }

    long block() {
        return block;
    }

    long time() {
        return time;
    }

    String nextTx() {
        return String.format("0x%064x", ++tx + block * 1000);
    }

    TransferEvent eth(String from, String to, BigInteger amount, BigInteger before, BigInteger after) {
        return transfer(from, to, TransferKind.NATIVE, "native", amount, before, after, nextTx());
    }

    TransferEvent usdc(String from, String to, BigInteger amount, BigInteger before, BigInteger after) {
        return transfer(from, to, TransferKind.ERC20, USDC, amount, before, after, nextTx());
    }

    TransferEvent transfer(
            String from,
            String to,
            TransferKind kind,
            String asset,
            BigInteger amount,
            BigInteger before,
            BigInteger after,
            String txHash) {
        String blockHash = String.format("0x%064x", block);
        return TransferEvent.newBuilder()
                .setChainId(CHAIN)
                .setFrom(from)
                .setTo(to)
                .setKind(kind)
                .setAsset(asset)
                .setAmount(new BigDecimal(amount))
                .setEventId(CHAIN + ":" + blockHash + ":" + txHash + ":0")
                .setTxHash(txHash)
                .setBlockNumber(block)
                .setBlockHash(blockHash)
                .setBlockTime(Instant.ofEpochMilli(time))
                .setSenderBalanceBefore(before == null ? null : new BigDecimal(before))
                .setSenderBalanceAfter(after == null ? null : new BigDecimal(after))
                .build();
    }

    BalanceSnapshot balance(String wallet, String asset, BigInteger balance) {
        return BalanceSnapshot.newBuilder()
                .setChainId(CHAIN)
                .setWallet(wallet)
                .setAsset(asset)
                .setBalance(new BigDecimal(balance))
                .setBlockNumber(block)
                .setBlockHash(String.format("0x%064x", block))
                .setBlockTime(Instant.ofEpochMilli(time))
                .build();
    }

    static TransferEvent removed(TransferEvent e) {
        return TransferEvent.newBuilder(e).setRemoved(true).build();
    }
}
