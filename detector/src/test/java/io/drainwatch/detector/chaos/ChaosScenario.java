package io.drainwatch.detector.chaos;

import io.drainwatch.detector.chain.DevChain;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;

/**
 * A long attack on a custodian's fleet, decided entirely by a seed: the blocks of real transactions the
 * chaos harness mines on anvil. The custodian's hot wallet funds the fleet with small, heavy-tailed
 * balances; then, batch after batch, an outside funder tops up the victims with gas and in the next block
 * each victim sends everything to one of a few fresh destinations (a mass sweep). Benign traffic runs
 * throughout: customers' deposits into the fleet, withdrawals of part of a wallet to the hot wallet, and
 * payments of the hot wallet to customers.
 *
 * <p>Every key comes from the seed (the fleet's, the destinations' and the customers') or from the dev
 * mnemonic (hot wallet, attacker's funder, depositor), and every block has its timestamp, so two runs of
 * one seed mine the same transactions (same hashes) into the same block numbers.
 */
final class ChaosScenario {
    /** Seconds between two blocks. */
    static final long BLOCK_SECONDS = 4;

    private static final BigInteger MILLI_ETHER = DevChain.ETHER.divide(BigInteger.valueOf(1000));
    /** What one plain transfer may cost at most (21,000 gas at the writer's fee cap). */
    private static final BigInteger FEE = DevChain.GAS_PRICE.multiply(BigInteger.valueOf(21_000));
    /** The gas an attacker sends each victim before the sweep. */
    private static final BigInteger TOP_UP = MILLI_ETHER.multiply(BigInteger.TWO);

    /** A plain ETH transfer. */
    record Tx(Credentials from, String to, BigInteger value) {}

    private final long seed;
    private final List<Credentials> fleet;
    private final List<List<Tx>> blocks;
    private final int victims;
    private final int destinations;

    private ChaosScenario(long seed, List<Credentials> fleet, List<List<Tx>> blocks, int victims, int destinations) {
        this.seed = seed;
        this.fleet = fleet;
        this.blocks = blocks;
        this.victims = victims;
        this.destinations = destinations;
    }

    /** The scenario of {@code seed} over a fleet of {@code wallets} watched wallets. */
    static ChaosScenario generate(long seed, int wallets) {
        SplittableRandom random = new SplittableRandom(seed);
        Credentials hot = hot();
        Credentials funder = DevChain.dev(1);
        Credentials depositor = DevChain.dev(2);
        List<Credentials> fleet = new ArrayList<>();
        for (int i = 0; i < wallets; i++) {
            fleet.add(key(seed, "wallet", i));
        }
        List<Credentials> order = new ArrayList<>(fleet);
        shuffle(order, random);
        int victimCount = Math.max(1, wallets * 85 / 100);
        List<Credentials> victims = order.subList(0, victimCount);
        List<Credentials> bystanders = order.subList(victimCount, wallets);
        int destinationCount = Math.max(2, victimCount / 25);
        List<String> drops = new ArrayList<>();
        for (int i = 0; i < destinationCount; i++) {
            drops.add(DevChain.address(key(seed, "destination", i)));
        }

        List<List<Tx>> blocks = new ArrayList<>();
        List<BigInteger> funded = new ArrayList<>();
        List<Tx> block = new ArrayList<>();
        for (Credentials wallet : fleet) {
            BigInteger balance = heavyTailed(random);
            funded.add(balance);
            block.add(new Tx(hot, DevChain.address(wallet), balance));
            if (block.size() == 25) {
                blocks.add(block);
                block = new ArrayList<>();
            }
        }
        if (!block.isEmpty()) {
            blocks.add(block);
        }
        for (int start = 0; start < victims.size(); ) {
            int size = Math.min(victims.size() - start, 4 + random.nextInt(7));
            List<Credentials> batch = victims.subList(start, start + size);
            List<Tx> topUps = new ArrayList<>();
            List<Tx> sweeps = new ArrayList<>();
            for (Credentials victim : batch) {
                topUps.add(new Tx(funder, DevChain.address(victim), TOP_UP));
                BigInteger balance = funded.get(fleet.indexOf(victim)).add(TOP_UP);
                sweeps.add(new Tx(victim, drops.get(random.nextInt(drops.size())), balance.subtract(FEE)));
            }
            topUps.addAll(benign(seed, random, hot, depositor, bystanders));
            blocks.add(topUps);
            blocks.add(sweeps);
            for (int quiet = random.nextInt(3); quiet > 0; quiet--) {
                blocks.add(benign(seed, random, hot, depositor, bystanders));
            }
            start += size;
        }
        return new ChaosScenario(seed, List.copyOf(fleet), List.copyOf(blocks), victimCount, destinationCount);
    }

    /**
     * A block's worth of the custodian's own traffic: a customer's deposit into a bystander, a bystander's
     * partial withdrawal to the hot wallet, a payment of the hot wallet to a customer. None of it is a
     * drain: withdrawals leave most of the balance, and the hot wallet is allowlisted.
     */
    private static List<Tx> benign(
            long seed, SplittableRandom random, Credentials hot, Credentials depositor, List<Credentials> bystanders) {
        List<Tx> txs = new ArrayList<>();
        String customer = DevChain.address(key(seed, "customer", random.nextInt(50)));
        txs.add(new Tx(hot, customer, MILLI_ETHER.multiply(BigInteger.valueOf(1 + random.nextInt(500)))));
        if (!bystanders.isEmpty()) {
            Credentials bystander = bystanders.get(random.nextInt(bystanders.size()));
            txs.add(new Tx(
                    depositor,
                    DevChain.address(bystander),
                    MILLI_ETHER.multiply(BigInteger.valueOf(10 + random.nextInt(100)))));
            Credentials withdrawing = bystanders.get(random.nextInt(bystanders.size()));
            txs.add(new Tx(withdrawing, DevChain.address(hot), MILLI_ETHER.multiply(BigInteger.valueOf(5))));
        }
        return txs;
    }

    /**
     * A balance between 0.05 and 3 ETH ($150 to $9,000 at the scenario's price), Pareto-distributed: most
     * wallets hold little, a few hold more than the $1,000 above which a drain alone is high.
     */
    private static BigInteger heavyTailed(SplittableRandom random) {
        double ether = Math.min(3.0, 0.05 / Math.pow(1 - random.nextDouble(), 1 / 1.2));
        return MILLI_ETHER.multiply(BigInteger.valueOf(Math.round(ether * 1000)));
    }

    private static void shuffle(List<Credentials> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Credentials t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /** The key {@code index} of {@code role} under {@code seed}: the same in every run of the seed. */
    private static Credentials key(long seed, String role, int index) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + role + "/" + index).getBytes(StandardCharsets.UTF_8));
            return Credentials.create(ECKeyPair.create(new BigInteger(1, digest)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The custodian's hot wallet (allowlisted as its own): the dev mnemonic's first account. */
    static Credentials hot() {
        return DevChain.dev(0);
    }

    long seed() {
        return seed;
    }

    /** The watched wallets. */
    List<Credentials> fleet() {
        return fleet;
    }

    /** The blocks to mine, in order; each a list of transactions. */
    List<List<Tx>> blocks() {
        return blocks;
    }

    /** Transactions in every block together. */
    int transactions() {
        return blocks.stream().mapToInt(List::size).sum();
    }

    /** Watched wallets swept. */
    int victims() {
        return victims;
    }

    /** Fresh addresses the victims were swept to. */
    int destinations() {
        return destinations;
    }
}
