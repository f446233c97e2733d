package io.drainwatch.detector.demo;

import io.drainwatch.detector.demo.GroundTruth.SanctionedOutflow;
import io.drainwatch.detector.demo.GroundTruth.SweptWallet;
import io.drainwatch.detector.demo.Scenario.Asset;
import io.drainwatch.detector.demo.Scenario.Wallet;
import io.drainwatch.detector.demo.ScenarioBlock.BalanceChange;
import io.drainwatch.detector.demo.ScenarioBlock.Move;
import io.drainwatch.detector.demo.ScenarioBlock.Signed;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes the scenario's timeline: a quiet stretch of benign traffic, an attack that starts with one
 * wallet per block and then sweeps several per block, and a benign tail. Balances are tracked
 * through every block so transfers and snapshots agree with each other.
 */
final class ScenarioGenerator {
    static final String ZERO_HASH = "0x" + "0".repeat(64);
    static final long FIRST_BLOCK = 1_000_000;
    /** Blocks of benign traffic before the first sweep. */
    static final int QUIET_BLOCKS = 8;
    /** The attacker empties the first wallets one per block, as real attackers test their keys. */
    static final int RAMP = 6;
    /** The remaining sweeps are spread over about this many blocks. */
    static final int SWEEP_BLOCKS = 30;

    static final int TAIL_BLOCKS = 8;
    /** A token-only wallet gets its gas this many blocks before its sweep. */
    static final int TOPUP_LEAD = 2;

    static final int PARTIAL_WITHDRAWERS = 6;

    private final ScenarioParameters p;
    private final Random random;
    private final byte[] seedBytes;
    private final Asset eth = new Asset("native", "ETH", 18, 3000.0);
    private final Asset usdc;
    private final Asset link;
    private final Map<String, Map<Asset, BigInteger>> balances = new HashMap<>();
    private final Map<Integer, List<Action>> plan = new HashMap<>();
    /** Each planned transfer's transaction hash (actions are compared by identity: two may look alike). */
    private final Map<Action, String> txOf = new IdentityHashMap<>();

    private int txCounter;

    /** A transfer to put in a block; the amount is decided when the block is built, from the balance then. */
    private record Action(
            String from,
            String to,
            Asset asset,
            Amount amount,
            @Nullable String signedRef,
            boolean freshRecipient) {}

    private interface Amount {
        BigInteger of(BigInteger balance);
    }

    ScenarioGenerator(ScenarioParameters parameters) {
        this.p = parameters;
        this.random = new Random(parameters.seed());
        this.seedBytes = Long.toString(parameters.seed()).getBytes(StandardCharsets.UTF_8);
        this.usdc = new Asset(address("token", 0), "USDC", 6, 1.0);
        this.link = new Asset(address("token", 1), "LINK", 18, 15.0);
    }

    Scenario generate() {
        List<Wallet> wallets = createWallets();
        Map<String, String> hot = new LinkedHashMap<>();
        for (String group : p.groups()) {
            hot.put(group, address("hot", group.hashCode()));
        }
        String userWithdrawal = address("user-withdrawal", 0);
        String sanctionedAddress = address("sanctioned", 0);
        String funder = address("attacker-funder", 0);
        List<String> destinations = new ArrayList<>();
        for (int i = 0; i < p.destinations(); i++) {
            destinations.add(address("attacker", i));
        }

        String attacked = p.attackedGroup();
        List<Wallet> attackedPool = shuffled(
                wallets.stream().filter(w -> w.group().equals(attacked)).toList());
        List<Wallet> otherPool = shuffled(
                wallets.stream().filter(w -> !w.group().equals(attacked)).toList());

        // The swept wallets come first off the shuffled pool; benign roles take the rest.
        List<Wallet> swept = attackedPool.subList(0, p.swept());
        List<Wallet> benignAttacked = new ArrayList<>(attackedPool.subList(p.swept(), attackedPool.size()));
        List<Wallet> benignOther = new ArrayList<>(otherPool);

        int rest = Math.max(0, p.swept() - RAMP);
        int perBlock = Math.max(1, (rest + SWEEP_BLOCKS - 1) / SWEEP_BLOCKS);
        int restBlocks = (rest + perBlock - 1) / perBlock;
        int totalBlocks = QUIET_BLOCKS + Math.min(p.swept(), RAMP) + restBlocks + TAIL_BLOCKS;

        List<SweptWallet> sweptTruth = new ArrayList<>();
        for (int k = 0; k < swept.size(); k++) {
            Wallet wallet = swept.get(k);
            int block = k < RAMP ? QUIET_BLOCKS + k : QUIET_BLOCKS + RAMP + (k - RAMP) / perBlock;
            String destination = destinations.get(k % destinations.size());
            boolean tokenOnly = !wallet.opening().containsKey(eth);
            if (tokenOnly) {
                schedule(
                        block - TOPUP_LEAD,
                        new Action(funder, wallet.address(), eth, constant(eth, 0.004), null, false));
            }
            sweepAll(block, wallet, destination, null, true);
            sweptTruth.add(
                    new SweptWallet(wallet.address(), block, tokenOnly, usdValue(wallet.opening()), destination));
        }

        Set<String> used = new HashSet<>();
        // The sanctioned outflow: a tenth of an ETH holder's balance, signed like any withdrawal.
        List<Wallet> sanctionPool = benignOther.isEmpty() ? benignAttacked : benignOther;
        Wallet sanctionedPayer = take(sanctionPool, w -> w.opening().containsKey(eth), used);
        int sanctionBlock = 3;
        String sanctionTx = schedule(
                sanctionBlock,
                new Action(
                        sanctionedPayer.address(),
                        sanctionedAddress,
                        eth,
                        balance -> balance.divide(BigInteger.TEN),
                        "withdrawal-" + sanctionBlock + "-compliance-review",
                        false));

        // Ordinary users: a quarter of their ETH to their own address, once early and again during the attack.
        for (int i = 0; i < PARTIAL_WITHDRAWERS; i++) {
            Wallet user = take(benignAttacked, w -> w.opening().containsKey(eth), used);
            String own = address("user", i);
            Amount quarter = balance -> balance.divide(BigInteger.valueOf(4));
            schedule(1 + i, new Action(user.address(), own, eth, quarter, "withdrawal-u" + i + "-a", false));
            int later = Math.min(totalBlocks - 1, QUIET_BLOCKS + 3 + 4 * i);
            schedule(later, new Action(user.address(), own, eth, quarter, "withdrawal-u" + i + "-b", false));
        }

        // One user takes everything out, to their allowlisted withdrawal address, in the middle of the attack.
        Wallet leaver =
                take(benignAttacked, w -> w.opening().size() == 1 && w.opening().containsKey(eth), used);
        schedule(
                QUIET_BLOCKS + RAMP + 2,
                new Action(
                        leaver.address(),
                        userWithdrawal,
                        eth,
                        balance -> balance.subtract(balance.divide(BigInteger.valueOf(5000))),
                        "withdrawal-full-exit",
                        false));

        // Consolidation sweeps to the group's hot wallet in every block; token-only wallets get gas from the hot wallet
        // first.
        for (int block = 1; block < totalBlocks; block++) {
            consolidate(block, benignAttacked, hot.get(attacked), used, block % 4 == 0);
            if (!benignOther.isEmpty() && block % 3 == 0) {
                Wallet w = benignOther.stream()
                        .filter(x -> !used.contains(x.address()) && x.opening().containsKey(eth))
                        .findFirst()
                        .orElse(null);
                if (w != null) {
                    used.add(w.address());
                    sweepAll(block, w, hot.get(w.group()), "consolidation-" + block, false);
                }
            }
        }

        List<ScenarioBlock> blocks = buildBlocks(totalBlocks, Set.copyOf(destinations), wallets);
        Set<String> benign = new HashSet<>();
        Set<String> sweptAddresses = new HashSet<>();
        swept.forEach(w -> sweptAddresses.add(w.address()));
        for (Wallet w : wallets) {
            if (!sweptAddresses.contains(w.address()) && !w.address().equals(sanctionedPayer.address())) {
                benign.add(w.address());
            }
        }
        GroundTruth truth = new GroundTruth(
                attacked,
                sweptTruth,
                benign,
                new SanctionedOutflow(sanctionedPayer.address(), sanctionedAddress, sanctionTx, sanctionBlock),
                destinations,
                funder);
        return new Scenario(
                p,
                List.of(eth, usdc, link),
                wallets,
                hot,
                userWithdrawal,
                FIRST_BLOCK,
                hash("block", FIRST_BLOCK - 1),
                blocks,
                truth);
    }

    private List<Wallet> createWallets() {
        List<Wallet> wallets = new ArrayList<>(p.wallets());
        for (int i = 0; i < p.wallets(); i++) {
            String group = p.groups().size() == 1 || i % 5 != 4
                    ? p.groups().get(0)
                    : p.groups().get(1 + (i / 5) % (p.groups().size() - 1));
            double scale = group.equals(p.attackedGroup()) ? 1 : 10;
            Map<Asset, BigInteger> holdings = new LinkedHashMap<>();
            double kind = random.nextDouble();
            Asset token = random.nextBoolean() ? usdc : link;
            if (kind >= 0.2) {
                holdings.put(eth, fixed(eth, scale * logUniform(1_500, 60_000) / eth.usdPrice()));
            }
            if (kind < 0.2 || kind >= 0.7) {
                holdings.put(token, fixed(token, scale * logUniform(1_500, 80_000) / token.usdPrice()));
            }
            String address = address("wallet", i);
            wallets.add(new Wallet(address, group, "customer-" + (100_000 + i), holdings));
            balances.put(address, new HashMap<>(holdings));
        }
        return wallets;
    }

    private void consolidate(int block, List<Wallet> pool, String hotWallet, Set<String> used, boolean tokenOnly) {
        Wallet wallet = take(pool, w -> tokenOnly != w.opening().containsKey(eth), used);
        if (tokenOnly) {
            schedule(
                    block - 1,
                    new Action(hotWallet, wallet.address(), eth, constant(eth, 0.004), "gas-" + block, false));
        }
        sweepAll(block, wallet, hotWallet, "consolidation-" + block, false);
    }

    /** Moves every token and all but a dust of ETH (what gas would leave) from {@code wallet} to {@code to}. */
    private void sweepAll(int block, Wallet wallet, String to, @Nullable String signedRef, boolean attacker) {
        for (Asset asset : wallet.opening().keySet()) {
            Amount amount = asset == eth
                    ? balance -> balance.subtract(balance.divide(BigInteger.valueOf(1000)))
                    : balance -> balance;
            schedule(block, new Action(wallet.address(), to, asset, amount, signedRef, attacker));
        }
    }

    private String schedule(int block, Action action) {
        String tx = hash("tx", txCounter++);
        plan.computeIfAbsent(Math.max(0, block), b -> new ArrayList<>()).add(action);
        txOf.put(action, tx);
        return tx;
    }

    private List<ScenarioBlock> buildBlocks(int totalBlocks, Set<String> freshDestinations, List<Wallet> wallets) {
        Set<String> watched = new HashSet<>();
        wallets.forEach(w -> watched.add(w.address()));
        List<ScenarioBlock> blocks = new ArrayList<>(totalBlocks);
        String parent = hash("block", FIRST_BLOCK - 1);
        for (int index = 0; index < totalBlocks; index++) {
            long number = FIRST_BLOCK + index;
            String blockHash = hash("block", number);
            Map<String, BigInteger> before = new LinkedHashMap<>();
            record Pending(
                    String tx,
                    Action action,
                    BigInteger amount,
                    @Nullable Integer logIndex) {}
            List<Pending> pending = new ArrayList<>();
            List<Signed> signed = new ArrayList<>();
            int logIndex = 0;
            for (Action action : plan.getOrDefault(index, List.of())) {
                BigInteger senderBalance = balance(action.from(), action.asset());
                BigInteger amount = watched.contains(action.from())
                        ? action.amount().of(senderBalance)
                        : action.amount().of(BigInteger.ZERO);
                if (amount.signum() <= 0) {
                    continue;
                }
                for (String party : List.of(action.from(), action.to())) {
                    if (watched.contains(party)) {
                        before.putIfAbsent(party + "|" + action.asset().id(), balance(party, action.asset()));
                    }
                }
                if (watched.contains(action.from())) {
                    adjust(action.from(), action.asset(), amount.negate());
                }
                if (watched.contains(action.to())) {
                    adjust(action.to(), action.asset(), amount);
                }
                String tx = txOf.get(action);
                pending.add(new Pending(tx, action, amount, action.asset() == eth ? null : logIndex++));
                if (action.signedRef() != null) {
                    signed.add(new Signed(tx, action.from(), action.to(), action.signedRef()));
                }
            }
            List<Move> moves = new ArrayList<>(pending.size());
            for (Pending m : pending) {
                Action a = m.action();
                boolean watchedSender = watched.contains(a.from());
                String key = a.from() + "|" + a.asset().id();
                moves.add(new Move(
                        m.tx(),
                        a.from(),
                        a.to(),
                        a.asset().id(),
                        a.asset().decimals(),
                        m.amount(),
                        m.logIndex(),
                        watchedSender ? before.get(key) : null,
                        watchedSender ? balance(a.from(), a.asset()) : null,
                        watchedSender ? freshDestinations.contains(a.to()) : null));
            }
            List<BalanceChange> changes = new ArrayList<>(before.size());
            before.forEach((key, value) -> {
                String wallet = key.substring(0, key.indexOf('|'));
                Asset asset = assetById(key.substring(key.indexOf('|') + 1));
                changes.add(new BalanceChange(wallet, asset.id(), asset.decimals(), value, balance(wallet, asset)));
            });
            blocks.add(new ScenarioBlock(Scenario.CHAIN_ID, index, number, blockHash, parent, moves, changes, signed));
            parent = blockHash;
        }
        return blocks;
    }

    private Asset assetById(String id) {
        return id.equals(eth.id()) ? eth : id.equals(usdc.id()) ? usdc : link;
    }

    private BigInteger balance(String wallet, Asset asset) {
        return balances.getOrDefault(wallet, Map.of()).getOrDefault(asset, BigInteger.ZERO);
    }

    private void adjust(String wallet, Asset asset, BigInteger delta) {
        balances.computeIfAbsent(wallet, w -> new HashMap<>()).merge(asset, delta, BigInteger::add);
    }

    private Wallet take(List<Wallet> pool, java.util.function.Predicate<Wallet> fits, Set<String> used) {
        for (Wallet w : pool) {
            if (!used.contains(w.address()) && fits.test(w)) {
                used.add(w.address());
                return w;
            }
        }
        throw new IllegalArgumentException(
                "the fleet is too small for the scenario's benign traffic: use more wallets");
    }

    private <T> List<T> shuffled(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }

    private double usdValue(Map<Asset, BigInteger> holdings) {
        double total = 0;
        for (Map.Entry<Asset, BigInteger> h : holdings.entrySet()) {
            total += h.getKey().usd(h.getValue());
        }
        return total;
    }

    private double logUniform(double low, double high) {
        return Math.exp(Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low)));
    }

    /** {@code whole} tokens as raw units, rounded to a millionth of a token so amounts read cleanly. */
    private static BigInteger fixed(Asset asset, double whole) {
        return new BigDecimal(whole)
                .setScale(Math.min(6, asset.decimals()), RoundingMode.HALF_UP)
                .movePointRight(asset.decimals())
                .toBigIntegerExact();
    }

    /** Always {@code whole} tokens, whatever the sender holds. */
    private static Amount constant(Asset asset, double whole) {
        BigInteger value = fixed(asset, whole);
        return balance -> value;
    }

    private String address(String role, long index) {
        return "0x" + digest(role, index).substring(0, 40);
    }

    private String hash(String role, long index) {
        return "0x" + digest(role, index);
    }

    private String digest(String role, long index) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seedBytes);
            sha.update((":" + role + ":" + index).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
