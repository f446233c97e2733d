package io.drainwatch.detector.topology;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;

/**
 * The pre-filter's check alone, without Kafka: how long it takes to decide whether a transfer touches
 * one of 1,000,000 watched wallets, one transfer at a time and in batches, in the same run. Each
 * poll's records are fresh copies (as a consumer hands them out) among other allocations, so their
 * bytes and the table are not sitting in the CPU cache. Not a test: {@code bin/bench-filter}.
 */
public final class FilterBenchmark {
    private static final int WALLETS = 1_000_000;
    private static final int POLL = 5000;
    private static final int POLLS_PER_ROUND = 200;
    private static final int ROUNDS = 10;

    public static void main(String[] args) {
        Random random = new Random(1);
        WatchedWalletsStore store = new WatchedWalletsStore();
        AvroSerde<WatchedWallet> wallets = AvroSerde.of(WatchedWallet.class);
        for (int i = 0; i < WALLETS; i++) {
            store.apply(
                    null,
                    wallets.encode(WatchedWallet.newBuilder()
                            .setChainId(1)
                            .setAddress(randomAddress(random))
                            .setCustodyGroup("hot")
                            .build()));
        }
        AvroSerde<TransferEvent> transfers = AvroSerde.of(TransferEvent.class);
        Chain chain = new Chain(Instant.EPOCH);
        byte[][] pool = new byte[65_536][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = transfers.encode(
                    chain.eth(randomAddress(random), randomAddress(random), BigInteger.ONE, null, null));
        }
        WatchedTransferCheck check = new WatchedTransferCheck(store);
        double[] single = new double[ROUNDS];
        double[] batched = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) { // alternated, so that both see the same machine
            single[round] = nanosPerTransfer(check, pool, false);
            batched[round] = nanosPerTransfer(check, pool, true);
        }
        // The first rounds warm the JIT up; the figure is the median of the rest.
        double s = median(Arrays.copyOfRange(single, 3, ROUNDS));
        double b = median(Arrays.copyOfRange(batched, 3, ROUNDS));
        System.out.printf(
                Locale.ROOT,
                "%,d watched wallets, %,d transfers per round, median of rounds 4-%d%n",
                WALLETS,
                POLL * POLLS_PER_ROUND,
                ROUNDS);
        System.out.printf(Locale.ROOT, "one transfer at a time   %7.1f ns per transfer%n", s);
        System.out.printf(Locale.ROOT, "in batches               %7.1f ns per transfer%n", b);
        System.out.printf(Locale.ROOT, "batched / one at a time  %7.2f%n", b / s);
    }

    private static double nanosPerTransfer(WatchedTransferCheck check, byte[][] pool, boolean batched) {
        byte[][] values = new byte[POLL][];
        boolean[] ignorable = new boolean[POLL];
        long nanos = 0;
        long kept = 0;
        for (int poll = 0; poll < POLLS_PER_ROUND; poll++) {
            for (int i = 0; i < POLL; i++) {
                byte[] encoded = pool[(poll * POLL + i) & (pool.length - 1)];
                values[i] = Arrays.copyOf(encoded, encoded.length);
                sink += new byte[600].length; // the consumer's other allocations per record
            }
            long start = System.nanoTime();
            if (batched) {
                check.ignorable(values, POLL, ignorable);
            } else {
                for (int i = 0; i < POLL; i++) {
                    ignorable[i] = check.ignorable(values[i]);
                }
            }
            nanos += System.nanoTime() - start;
            for (boolean drop : ignorable) {
                kept += drop ? 0 : 1;
            }
        }
        if (kept != 0) {
            throw new IllegalStateException(kept + " random transfers were taken for watched ones");
        }
        return (double) nanos / (POLL * POLLS_PER_ROUND);
    }

    private static long sink;

    private static String randomAddress(Random random) {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
