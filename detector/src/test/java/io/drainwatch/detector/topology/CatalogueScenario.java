package io.drainwatch.detector.topology;

import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * A seeded day of a custodial fleet with the attack shapes of the later rules (a sibling of {@link SweepScenario},
 * which generates mass sweeps): approval drainers (an unlimited approval to a fresh contract, later a
 * {@code transferFrom} by its operator), EIP-7702 delegations to sweeper contracts that forward every deposit,
 * slow drips (10-15% steps to one unknown address), drained funds moved on to a labelled exchange; and their
 * look-alikes: approvals the custodian signed to its allowlisted router and the swaps that use them, delegations to
 * the custodian's allowlisted smart account, consolidations to the hot wallet in steps. Every transaction of the
 * custodian is signed (the signer log is in use).
 *
 * @param events every approval, delegation and transfer, in block-time order
 * @param signed transaction hashes the custodian's signer authorised
 */
record CatalogueScenario(
        long seed,
        List<SpecificRecord> events,
        Set<String> signed,
        List<Attack> attacks,
        Set<String> lookAlikes,
        Set<String> fleet) {

    static final long CHAIN = 1;
    static final String USDC = Chain.USDC;
    static final BigInteger DOLLAR = BigInteger.TEN.pow(6);
    static final BigInteger ETH = BigInteger.TEN.pow(18);
    static final BigInteger UNLIMITED = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    static final long BLOCK_MS = 12_000;
    static final String HOT = address(0x7100_0001);
    static final String ROUTER = address(0x7100_0002);
    static final String SMART_ACCOUNT = address(0x7100_0003);
    static final String EXCHANGE = address(0x7100_0004);
    static final String DEPOSITOR = address(0x7100_0005);

    enum Shape {
        APPROVAL_DRAINER,
        DELEGATION_SWEEPER,
        SLOW_DRIP
    }

    /**
     * One attacked wallet.
     *
     * @param grantBlock the block of the approval or delegation (0 for a drip)
     * @param receiver where the funds went
     * @param actor the spender or delegate contract (null for a drip)
     * @param steps the transactions that moved the wallet's funds, in order
     * @param exitTx the transaction that moved the funds on to the exchange, if the attacker did
     */
    record Attack(
            Shape shape,
            String wallet,
            long grantBlock,
            String receiver,
            String actor,
            List<String> steps,
            String exitTx) {}

    static String address(int n) {
        return String.format("0x%040x", n);
    }

    private record Timed(long time, int order, SpecificRecord event) {}

    private static final class Builder {
        final Random random;
        final long t0;
        final List<Timed> events = new ArrayList<>();
        final Set<String> signed = new LinkedHashSet<>();
        int next = 0x2000_0000;
        int tx;

        Builder(long seed, long t0) {
            this.random = new Random(seed);
            this.t0 = t0;
        }

        String fresh() {
            return address(next++);
        }

        String txHash() {
            return String.format("0x%064x", ++tx);
        }

        long at(long minMs, long maxMs) {
            return t0 + minMs + (long) (random.nextDouble() * (maxMs - minMs));
        }

        BigInteger usd(double median) {
            double usd = Math.max(50, median * Math.exp(0.8 * random.nextGaussian()));
            return BigDecimal.valueOf(usd)
                    .movePointRight(6)
                    .setScale(0, RoundingMode.DOWN)
                    .toBigInteger();
        }

        void add(long time, SpecificRecord event) {
            events.add(new Timed(time, events.size(), event));
        }

        String transfer(
                long time,
                String from,
                String to,
                TransferKind kind,
                String asset,
                BigInteger amount,
                BigInteger before,
                BigInteger after,
                String txFrom,
                boolean sign) {
            long block = time / BLOCK_MS;
            String blockHash = String.format("0x%064x", block);
            String txHash = txHash();
            add(
                    time,
                    TransferEvent.newBuilder()
                            .setChainId(CHAIN)
                            .setFrom(from)
                            .setTo(to)
                            .setKind(kind)
                            .setAsset(asset)
                            .setAmount(new BigDecimal(amount))
                            .setEventId(CHAIN + ":" + blockHash + ":" + txHash + ":0")
                            .setTxHash(txHash)
                            .setTxFrom(txFrom)
                            .setBlockNumber(block)
                            .setBlockHash(blockHash)
                            .setBlockTime(Instant.ofEpochMilli(block * BLOCK_MS))
                            .setSenderBalanceBefore(before == null ? null : new BigDecimal(before))
                            .setSenderBalanceAfter(after == null ? null : new BigDecimal(after))
                            .build());
            if (sign) {
                signed.add(txHash);
            }
            return txHash;
        }

        long approve(long time, String owner, String spender, BigInteger amount, boolean sign) {
            long block = time / BLOCK_MS;
            String blockHash = String.format("0x%064x", block);
            String txHash = txHash();
            add(
                    time,
                    ApprovalEvent.newBuilder()
                            .setChainId(CHAIN)
                            .setOwner(owner)
                            .setSpender(spender)
                            .setKind(ApprovalKind.ERC20_APPROVAL)
                            .setToken(USDC)
                            .setAmount(new BigDecimal(amount))
                            .setApproved(true)
                            .setEventId(CHAIN + ":" + blockHash + ":" + txHash + ":1")
                            .setTxHash(txHash)
                            .setTxFrom(owner)
                            .setBlockNumber(block)
                            .setBlockHash(blockHash)
                            .setBlockTime(Instant.ofEpochMilli(block * BLOCK_MS))
                            .build());
            if (sign) {
                signed.add(txHash);
            }
            return block;
        }

        long delegate(long time, String authority, String delegate, String txFrom, boolean sign) {
            long block = time / BLOCK_MS;
            String blockHash = String.format("0x%064x", block);
            String txHash = txHash();
            add(
                    time,
                    DelegationEvent.newBuilder()
                            .setChainId(CHAIN)
                            .setAuthority(authority)
                            .setDelegate(delegate)
                            .setAuthorizationNonce(0)
                            .setEventId(CHAIN + ":" + blockHash + ":" + txHash + ":auth0")
                            .setTxHash(txHash)
                            .setTxFrom(txFrom)
                            .setBlockNumber(block)
                            .setBlockHash(blockHash)
                            .setBlockTime(Instant.ofEpochMilli(block * BLOCK_MS))
                            .build());
            if (sign) {
                signed.add(txHash);
            }
            return block;
        }
    }

    static CatalogueScenario generate(Instant start, long seed) {
        Builder b = new Builder(seed, start.toEpochMilli());
        Random r = b.random;
        Set<String> fleet = new LinkedHashSet<>();
        Set<String> lookAlikes = new LinkedHashSet<>();
        List<Attack> attacks = new ArrayList<>();
        long hour = 3_600_000;

        // Every wallet is seen once early (a deposit), so none looks dormant.
        int drainers = 1 + r.nextInt(3);
        int sweepers = 1 + r.nextInt(3);
        int drips = 1 + r.nextInt(3);
        for (int i = 0; i < drainers; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            BigInteger balance = b.usd(2_000);
            b.transfer(
                    b.at(0, hour), DEPOSITOR, wallet, TransferKind.ERC20, USDC, balance, null, null, DEPOSITOR, false);
            String drainer = b.fresh();
            String operator = b.fresh();
            String receiver = b.fresh();
            long approvedAt = b.at(2 * hour, 6 * hour);
            long block = b.approve(approvedAt, wallet, drainer, UNLIMITED, false);
            long pulledAt = approvedAt + BLOCK_MS * (1 + r.nextInt(300));
            String pull = b.transfer(
                    pulledAt,
                    wallet,
                    receiver,
                    TransferKind.ERC20,
                    USDC,
                    balance,
                    balance,
                    BigInteger.ZERO,
                    operator,
                    false);
            String exit = null;
            if (r.nextBoolean()) {
                long exitAt = pulledAt + BLOCK_MS * (5 + r.nextInt(600));
                BigInteger moved =
                        balance.multiply(BigInteger.valueOf(95 + r.nextInt(5))).divide(BigInteger.valueOf(100));
                exit = b.transfer(
                        exitAt, receiver, EXCHANGE, TransferKind.ERC20, USDC, moved, null, null, receiver, false);
            }
            attacks.add(new Attack(Shape.APPROVAL_DRAINER, wallet, block, receiver, drainer, List.of(pull), exit));
        }
        for (int i = 0; i < sweepers; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            BigInteger balance = ETH.divide(BigInteger.valueOf(2 + r.nextInt(20)));
            b.transfer(
                    b.at(0, hour),
                    DEPOSITOR,
                    wallet,
                    TransferKind.NATIVE,
                    "native",
                    balance,
                    null,
                    null,
                    DEPOSITOR,
                    false);
            String sweeper = b.fresh();
            String attacker = b.fresh();
            String receiver = b.fresh();
            long delegatedAt = b.at(2 * hour, 6 * hour);
            long block = b.delegate(delegatedAt, wallet, sweeper, attacker, false);
            List<String> forwards = new ArrayList<>();
            long at = delegatedAt + BLOCK_MS;
            // the balance first, then every deposit that arrives
            forwards.add(b.transfer(
                    at,
                    wallet,
                    receiver,
                    TransferKind.INTERNAL,
                    "native",
                    balance,
                    balance,
                    BigInteger.ZERO,
                    attacker,
                    false));
            for (int d = 0, n = 1 + r.nextInt(3); d < n; d++) {
                at += BLOCK_MS * (10 + r.nextInt(200));
                BigInteger deposit = ETH.divide(BigInteger.valueOf(10 + r.nextInt(90)));
                b.transfer(at, DEPOSITOR, wallet, TransferKind.NATIVE, "native", deposit, null, null, DEPOSITOR, false);
                forwards.add(b.transfer(
                        at + BLOCK_MS,
                        wallet,
                        receiver,
                        TransferKind.INTERNAL,
                        "native",
                        deposit,
                        deposit,
                        BigInteger.ZERO,
                        attacker,
                        false));
                at += BLOCK_MS;
            }
            attacks.add(new Attack(Shape.DELEGATION_SWEEPER, wallet, block, receiver, sweeper, forwards, null));
        }
        for (int i = 0; i < drips; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            BigInteger left = b.usd(20_000).add(DOLLAR.multiply(BigInteger.valueOf(10_000)));
            b.transfer(b.at(0, hour), DEPOSITOR, wallet, TransferKind.ERC20, USDC, left, null, null, DEPOSITOR, false);
            String receiver = b.fresh();
            long at = b.at(2 * hour, 6 * hour);
            List<String> steps = new ArrayList<>();
            for (int s = 0, n = 6 + r.nextInt(4); s < n; s++) {
                BigInteger amount =
                        left.multiply(BigInteger.valueOf(10 + r.nextInt(6))).divide(BigInteger.valueOf(100));
                steps.add(b.transfer(
                        at,
                        wallet,
                        receiver,
                        TransferKind.ERC20,
                        USDC,
                        amount,
                        left,
                        left.subtract(amount),
                        wallet,
                        false));
                left = left.subtract(amount);
                at += 60_000 + (long) (r.nextDouble() * 240_000);
            }
            attacks.add(new Attack(Shape.SLOW_DRIP, wallet, 0, receiver, null, steps, null));
        }

        // Look-alikes, all signed by the custodian.
        for (int i = 0, n = 3 + r.nextInt(4); i < n; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            lookAlikes.add(wallet);
            BigInteger balance = b.usd(20_000);
            b.transfer(
                    b.at(0, hour), DEPOSITOR, wallet, TransferKind.ERC20, USDC, balance, null, null, DEPOSITOR, false);
            long approvedAt = b.at(2 * hour, 6 * hour);
            b.approve(approvedAt, wallet, ROUTER, UNLIMITED, true);
            BigInteger left = balance;
            long at = approvedAt + BLOCK_MS * (1 + r.nextInt(20));
            for (int s = 0, swaps = 1 + r.nextInt(4); s < swaps; s++) {
                BigInteger amount =
                        left.multiply(BigInteger.valueOf(10 + r.nextInt(40))).divide(BigInteger.valueOf(100));
                b.transfer(
                        at,
                        wallet,
                        ROUTER,
                        TransferKind.ERC20,
                        USDC,
                        amount,
                        left,
                        left.subtract(amount),
                        wallet,
                        true);
                left = left.subtract(amount);
                at += BLOCK_MS * (1 + r.nextInt(50));
            }
        }
        for (int i = 0, n = 2 + r.nextInt(3); i < n; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            lookAlikes.add(wallet);
            BigInteger balance = ETH.divide(BigInteger.valueOf(2 + r.nextInt(20)));
            b.transfer(
                    b.at(0, hour),
                    DEPOSITOR,
                    wallet,
                    TransferKind.NATIVE,
                    "native",
                    balance,
                    null,
                    null,
                    DEPOSITOR,
                    false);
            long delegatedAt = b.at(2 * hour, 6 * hour);
            b.delegate(delegatedAt, wallet, SMART_ACCOUNT, wallet, true);
            b.transfer(
                    delegatedAt + BLOCK_MS,
                    wallet,
                    ROUTER,
                    TransferKind.INTERNAL,
                    "native",
                    balance.divide(BigInteger.TWO),
                    balance,
                    balance.subtract(balance.divide(BigInteger.TWO)),
                    wallet,
                    true);
        }
        for (int i = 0, n = 2 + r.nextInt(3); i < n; i++) {
            String wallet = b.fresh();
            fleet.add(wallet);
            lookAlikes.add(wallet);
            BigInteger left = b.usd(20_000).add(DOLLAR.multiply(BigInteger.valueOf(10_000)));
            b.transfer(b.at(0, hour), DEPOSITOR, wallet, TransferKind.ERC20, USDC, left, null, null, DEPOSITOR, false);
            long at = b.at(2 * hour, 6 * hour);
            for (int s = 0; s < 8; s++) {
                BigInteger amount =
                        left.multiply(BigInteger.valueOf(10 + r.nextInt(6))).divide(BigInteger.valueOf(100));
                b.transfer(
                        at, wallet, HOT, TransferKind.ERC20, USDC, amount, left, left.subtract(amount), wallet, true);
                left = left.subtract(amount);
                at += 60_000 + (long) (r.nextDouble() * 240_000);
            }
        }

        b.events.sort(Comparator.comparingLong(Timed::time).thenComparingInt(Timed::order));
        return new CatalogueScenario(
                seed, b.events.stream().map(Timed::event).toList(), b.signed, attacks, lookAlikes, fleet);
    }
}
