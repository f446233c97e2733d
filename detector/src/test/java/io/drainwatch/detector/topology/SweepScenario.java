package io.drainwatch.detector.topology;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded mass sweep of a retail custodial fleet, shaped like CoinStats (2024) rather than like the
 * built-in demo: heavy-tailed small balances (log-normal, median about $120), native and token-only
 * wallets, every victim swept to its own fresh address in random order and at random times, optionally
 * gas top-ups from one attacker funder first, and the custodian's own traffic that looks like a sweep:
 * small wallets consolidated to its hot wallet, users withdrawing their whole balance to an address they
 * withdrew to before, users withdrawing from an exchange to their wallets.
 *
 * @param events every transfer, in block-time order
 */
record SweepScenario(
        Parameters parameters,
        List<TransferEvent> events,
        List<String> victims,
        List<String> funded,
        Set<String> lookAlikes,
        Set<String> fleet,
        String funder) {

    static final long CHAIN = 1;
    static final String USDC = Chain.USDC;
    static final double ETH_USD = 3000;
    static final BigInteger ETH = BigInteger.TEN.pow(18);
    static final BigInteger DOLLAR = BigInteger.TEN.pow(6);
    static final long BLOCK_MS = 12_000;

    /**
     * @param victims wallets swept (0: only the custodian's own traffic)
     * @param bystanders watched wallets nobody touches
     * @param consolidated small wallets the custodian consolidates to its hot wallet during the sweep
     * @param fullWithdrawals users withdrawing everything to an address they withdrew to before
     * @param medianUsd median wallet balance; log-normal with {@code sigma}
     * @param tokenShare share of wallets that hold only a token (plus, without a funder, a little gas)
     * @param meanGapSeconds mean time between two sweeps (exponential)
     * @param funderFirst whether one outside address tops up the token-only victims with gas first
     */
    record Parameters(
            long seed,
            int victims,
            int bystanders,
            int consolidated,
            int fullWithdrawals,
            double medianUsd,
            double sigma,
            double tokenShare,
            double meanGapSeconds,
            boolean funderFirst) {

        static Parameters attack(long seed, int victims) {
            return new Parameters(seed, victims, 50, 12, 12, 120, 1.2, 0.4, gap(seed), true);
        }

        static Parameters benign(long seed) {
            return new Parameters(seed, 0, 50, 30, 30, 120, 1.2, 0.4, gap(seed), false);
        }

        Parameters withoutFunder() {
            return new Parameters(
                    seed,
                    victims,
                    bystanders,
                    consolidated,
                    fullWithdrawals,
                    medianUsd,
                    sigma,
                    tokenShare,
                    meanGapSeconds,
                    false);
        }

        /** Each seed sweeps at its own pace: one wallet every 2 to 30 seconds on average. */
        private static double gap(long seed) {
            return 2 + new Random(seed * 31 + 7).nextDouble() * 28;
        }
    }

    /** One watched wallet: its address, whether it holds only a token, and its balance in raw units. */
    record Wallet(String address, boolean tokenOnly, BigInteger balance) {}

    static String address(int n) {
        return String.format("0x%040x", n);
    }

    static final String HOT = address(0x7000_0001);
    static final String FUNDER = address(0x7000_0002);
    /** An exchange's hot wallet (labelled): users withdraw from it to their custodial wallets. */
    static final String EXCHANGE = address(0x7000_0003);

    static SweepScenario generate(Instant start, Parameters p) {
        Random random = new Random(p.seed());
        int next = 0x1000_0000;
        List<Wallet> victims = new ArrayList<>();
        for (int i = 0; i < p.victims(); i++) {
            victims.add(wallet(address(next++), random, p));
        }
        List<Wallet> consolidated = new ArrayList<>();
        for (int i = 0; i < p.consolidated(); i++) {
            consolidated.add(wallet(address(next++), random, p));
        }
        List<Wallet> withdrawing = new ArrayList<>();
        for (int i = 0; i < p.fullWithdrawals(); i++) {
            withdrawing.add(wallet(address(next++), random, p));
        }
        Set<String> fleet = new LinkedHashSet<>();
        for (int i = 0; i < p.bystanders(); i++) {
            fleet.add(address(next++));
        }
        victims.forEach(w -> fleet.add(w.address()));
        consolidated.forEach(w -> fleet.add(w.address()));
        withdrawing.forEach(w -> fleet.add(w.address()));

        long t0 = start.toEpochMilli();
        List<Timed> events = new ArrayList<>();
        int[] tx = {0};
        int fresh = 0x5000_0000;

        // Earlier, ordinary traffic: each withdrawing user takes out part of the balance to an address of
        // theirs; that payment is what makes the later full withdrawal "to an address paid before".
        List<String> userAddresses = new ArrayList<>();
        for (int i = 0; i < withdrawing.size(); i++) {
            Wallet w = withdrawing.get(i);
            String own = address(fresh++);
            userAddresses.add(own);
            long at = t0 + (long) (random.nextDouble() * 3_600_000);
            BigInteger part = w.balance()
                    .multiply(BigInteger.valueOf(20 + random.nextInt(50)))
                    .divide(BigInteger.valueOf(100));
            events.add(new Timed(
                    at, transfer(w, own, part, w.balance(), w.balance().subtract(part), at, tx)));
            withdrawing.set(
                    i, new Wallet(w.address(), w.tokenOnly(), w.balance().subtract(part)));
        }

        long attack = t0 + 2 * 3_600_000;
        long sweepStart = attack;
        List<String> funded = new ArrayList<>();
        if (p.funderFirst()) {
            // One outside address pays gas to each token-only victim, a few seconds apart, before any sweep.
            long at = attack;
            for (Wallet w : shuffled(victims, random)) {
                if (w.tokenOnly()) {
                    at += (long) (1000 + random.nextDouble() * 8000);
                    BigInteger gas = ETH.divide(BigInteger.valueOf(500)); // 0.002 ETH
                    events.add(new Timed(at, coin(FUNDER, w.address(), gas, null, null, at, tx)));
                    funded.add(w.address());
                }
            }
            sweepStart = at + 60_000 + (long) (random.nextDouble() * 120_000);
        }
        List<Wallet> order = shuffled(victims, random);
        List<String> victimOrder = new ArrayList<>();
        long at = sweepStart;
        for (Wallet w : order) {
            at += (long) (-Math.log(1 - random.nextDouble()) * p.meanGapSeconds() * 1000);
            String destination = address(fresh++);
            // An attacker leaves nothing, or dust under 1%
            BigInteger left = random.nextInt(4) == 0
                    ? w.balance()
                            .multiply(BigInteger.valueOf(random.nextInt(9) + 1))
                            .divide(BigInteger.valueOf(1000))
                    : BigInteger.ZERO;
            BigInteger amount = w.balance().subtract(left);
            events.add(new Timed(at, transfer(w, destination, amount, w.balance(), left, at, tx)));
            victimOrder.add(w.address());
        }
        long end = Math.max(at, sweepStart + 600_000);

        // The custodian's own traffic during the sweep: consolidations of small wallets to its hot wallet
        // (in a burst, like a sweep), and users withdrawing everything to the address they used before.
        long consolidation = sweepStart + (long) (random.nextDouble() * (end - sweepStart));
        for (Wallet w : consolidated) {
            consolidation += (long) (500 + random.nextDouble() * 3000);
            events.add(new Timed(
                    consolidation, transfer(w, HOT, w.balance(), w.balance(), BigInteger.ZERO, consolidation, tx)));
        }
        for (int i = 0; i < withdrawing.size(); i++) {
            Wallet w = withdrawing.get(i);
            long when = sweepStart + (long) (random.nextDouble() * (end - sweepStart));
            events.add(new Timed(
                    when, transfer(w, userAddresses.get(i), w.balance(), w.balance(), BigInteger.ZERO, when, tx)));
        }

        // Users withdrawing from an exchange to their custodial wallets: many wallets paid native coin by
        // one outside (but labelled) address, like gas top-ups.
        List<String> bystanders = new ArrayList<>(fleet);
        for (int i = 0; i < Math.min(10, p.bystanders()); i++) {
            long when = sweepStart + (long) (random.nextDouble() * (end - sweepStart));
            String to = bystanders.get(random.nextInt(p.bystanders()));
            BigInteger deposit = BigDecimal.valueOf((5 + random.nextDouble() * 300) / ETH_USD)
                    .movePointRight(18)
                    .setScale(0, RoundingMode.DOWN)
                    .toBigInteger();
            events.add(new Timed(when, coin(EXCHANGE, to, deposit, null, null, when, tx)));
        }

        events.sort(Comparator.comparingLong(Timed::time));
        Set<String> lookAlikes = new LinkedHashSet<>();
        consolidated.forEach(w -> lookAlikes.add(w.address()));
        withdrawing.forEach(w -> lookAlikes.add(w.address()));
        return new SweepScenario(
                p, events.stream().map(Timed::event).toList(), victimOrder, funded, lookAlikes, fleet, FUNDER);
    }

    private record Timed(long time, TransferEvent event) {}

    private static <T> List<T> shuffled(List<T> list, Random random) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }

    /** A wallet with a log-normal USD balance, in the native coin or (token-only) in USDC. */
    private static Wallet wallet(String address, Random random, Parameters p) {
        double usd = Math.max(1, p.medianUsd() * Math.exp(p.sigma() * random.nextGaussian()));
        boolean tokenOnly = random.nextDouble() < p.tokenShare();
        if (tokenOnly) {
            BigInteger amount = BigDecimal.valueOf(usd)
                    .movePointRight(6)
                    .setScale(0, RoundingMode.DOWN)
                    .toBigInteger();
            return new Wallet(address, true, amount);
        }
        BigInteger amount = BigDecimal.valueOf(usd / ETH_USD)
                .movePointRight(18)
                .setScale(0, RoundingMode.DOWN)
                .toBigInteger();
        return new Wallet(address, false, amount);
    }

    private static TransferEvent transfer(
            Wallet w, String to, BigInteger amount, BigInteger before, BigInteger after, long time, int[] tx) {
        return w.tokenOnly()
                ? event(w.address(), to, TransferKind.ERC20, USDC, amount, before, after, time, tx)
                : coin(w.address(), to, amount, before, after, time, tx);
    }

    private static TransferEvent coin(
            String from, String to, BigInteger amount, BigInteger before, BigInteger after, long time, int[] tx) {
        return event(from, to, TransferKind.NATIVE, "native", amount, before, after, time, tx);
    }

    private static TransferEvent event(
            String from,
            String to,
            TransferKind kind,
            String asset,
            BigInteger amount,
            BigInteger before,
            BigInteger after,
            long time,
            int[] tx) {
        long block = time / BLOCK_MS;
        String blockHash = String.format("0x%064x", block);
        String txHash = String.format("0x%064x", ++tx[0]);
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
                .setBlockTime(Instant.ofEpochMilli(block * BLOCK_MS))
                .setSenderBalanceBefore(before == null ? null : new BigDecimal(before))
                .setSenderBalanceAfter(after == null ? null : new BigDecimal(after))
                .build();
    }
}
