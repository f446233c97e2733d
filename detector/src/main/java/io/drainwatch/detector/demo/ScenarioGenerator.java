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
import java.util.EnumMap;
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
 * Writes the scenario's timeline: a quiet stretch of benign traffic, then the chosen attack shapes
 * side by side on their custody groups (each sweep starts with one wallet per block and then takes
 * several per block), and a benign tail. Balances are tracked through every block so transfers and
 * snapshots agree with each other.
 */
final class ScenarioGenerator {
    static final String ZERO_HASH = "0x" + "0".repeat(64);
    static final long FIRST_BLOCK = 1_000_000;
    /** Blocks of benign traffic before the first attack. */
    static final int QUIET_BLOCKS = 8;
    /** The attacker empties the first wallets one per block, as real attackers test their keys. */
    static final int RAMP = 6;
    /** Wallets a sweep takes per block after the ramp. */
    static final int PER_BLOCK = 5;
    /** The mass sweep of small wallets starts this many blocks after the shared-destination sweep. */
    static final int MASS_SWEEP_OFFSET = 2;

    static final int TAIL_BLOCKS = 8;
    /** A token-only wallet gets its gas this many blocks before its sweep. */
    static final int TOPUP_LEAD = 2;

    static final int PARTIAL_WITHDRAWERS = 6;
    /** Wallets the approval and the delegation shapes each take. */
    static final int GRANT_VICTIMS = 3;

    /** Median and spread (sigma of the logarithm) of the USD value of a wallet, per group. */
    private static final double[] MEDIAN_USD = {120, 1_500, 40_000};

    private static final double[] SIGMA = {1.5, 1.3, 1.0};
    private static final BigInteger UNLIMITED = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private final ScenarioParameters p;
    private final Random random;
    private final byte[] seedBytes;
    private final Asset eth = new Asset("native", "ETH", 18, 3000.0);
    private final Asset usdc;
    private final Asset link;
    private final Map<String, Map<Asset, BigInteger>> balances = new HashMap<>();
    private final Map<Integer, List<Action>> plan = new HashMap<>();
    private final Map<Integer, List<ScenarioBlock.Approval>> approvals = new HashMap<>();
    private final Map<Integer, List<ScenarioBlock.Delegation>> delegations = new HashMap<>();
    private final Map<Integer, List<Signed>> signedGrants = new HashMap<>();
    /** Each planned transfer's transaction hash (actions are compared by identity: two may look alike). */
    private final Map<Action, String> txOf = new IdentityHashMap<>();

    private final Set<String> fresh = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final List<SweptWallet> victims = new ArrayList<>();
    private final Map<Attack, Set<String>> lookAlikes = new EnumMap<>(Attack.class);
    private int txCounter;

    /** A transfer to put in a block; the amount is decided when the block is built, from the balance then. */
    private record Action(
            String from,
            String to,
            Asset asset,
            Amount amount,
            @Nullable String signedRef,
            @Nullable String txFrom) {}

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
        String router = address("router", 0);
        String implementation = address("wallet-implementation", 0);
        List<String> destinations = new ArrayList<>();
        for (int i = 0; i < p.destinations(); i++) {
            destinations.add(address("attacker", i));
        }
        fresh.addAll(destinations);

        List<List<Wallet>> pools = new ArrayList<>();
        for (String group : p.groups()) {
            pools.add(new ArrayList<>(shuffled(
                    wallets.stream().filter(w -> w.group().equals(group)).toList())));
        }
        List<Wallet> retail = pools.get(0);
        List<Wallet> pro = pools.get(1);
        List<Wallet> treasury = pools.get(2);

        int lastAttackBlock = QUIET_BLOCKS;
        if (p.attacks().contains(Attack.SWEEP)) {
            List<Wallet> taken = takeAll(pro, p.swept());
            int k = 0;
            for (Wallet wallet : taken) {
                int block = sweepBlock(QUIET_BLOCKS, k);
                String destination = destinations.get(k % destinations.size());
                boolean tokenOnly = !wallet.opening().containsKey(eth);
                if (tokenOnly) {
                    schedule(
                            block - TOPUP_LEAD,
                            new Action(funder, wallet.address(), eth, constant(eth, 0.004), null, null));
                }
                sweepAll(block, wallet, destination, null);
                victims.add(victim(wallet, block, destination, Attack.SWEEP));
                lastAttackBlock = Math.max(lastAttackBlock, block);
                k++;
            }
        }
        if (p.attacks().contains(Attack.MASS_SWEEP)) {
            // The CoinStats shape: many small wallets, each to its own fresh address, gas from one funder first.
            List<Wallet> taken = takeAll(retail, p.massSwept());
            int k = 0;
            for (Wallet wallet : taken) {
                int block = sweepBlock(QUIET_BLOCKS + MASS_SWEEP_OFFSET, k);
                String drop = address("drop", k);
                fresh.add(drop);
                boolean tokenOnly = !wallet.opening().containsKey(eth);
                if (tokenOnly) {
                    schedule(
                            block - TOPUP_LEAD,
                            new Action(funder, wallet.address(), eth, constant(eth, 0.002), null, null));
                }
                sweepAll(block, wallet, drop, null);
                victims.add(victim(wallet, block, drop, Attack.MASS_SWEEP));
                lastAttackBlock = Math.max(lastAttackBlock, block);
                k++;
            }
        }
        if (p.attacks().contains(Attack.APPROVAL)) {
            // An unlimited approval to a fresh contract, signed with the stolen key; two blocks later the
            // spender pulls each wallet's whole token balance with transferFrom.
            String spender = address("approval-drainer", 0);
            String collector = address("approval-collector", 0);
            fresh.add(collector);
            int block = QUIET_BLOCKS + 4;
            for (int i = 0; i < GRANT_VICTIMS; i++) {
                Wallet wallet = take(treasury, w -> tokenOf(w) != null, used);
                Asset token = java.util.Objects.requireNonNull(tokenOf(wallet), "a wallet chosen for its token");
                String tx = hash("tx", txCounter++);
                approvals
                        .computeIfAbsent(block, b -> new ArrayList<>())
                        .add(new ScenarioBlock.Approval(tx, wallet.address(), spender, token.id(), UNLIMITED));
                schedule(
                        block + 2 + i,
                        new Action(wallet.address(), collector, token, balance -> balance, null, spender));
                victims.add(victim(wallet, block, collector, Attack.APPROVAL));
                lastAttackBlock = Math.max(lastAttackBlock, block + 2 + i);
            }
        }
        if (p.attacks().contains(Attack.DELEGATION)) {
            // EIP-7702: the stolen keys delegate the wallets to a sweeper contract, which forwards what they hold.
            String sweeper = address("sweeper-contract", 0);
            String operator = address("sweeper-operator", 0);
            String collector = address("delegation-collector", 0);
            fresh.add(collector);
            int block = QUIET_BLOCKS + 10;
            for (int i = 0; i < GRANT_VICTIMS; i++) {
                Wallet wallet = take(treasury, w -> w.opening().containsKey(eth), used);
                String tx = hash("tx", txCounter++);
                delegations
                        .computeIfAbsent(block, b -> new ArrayList<>())
                        .add(new ScenarioBlock.Delegation(tx, wallet.address(), sweeper, operator));
                for (Asset asset : wallet.opening().keySet()) {
                    Amount amount = asset == eth
                            ? balance -> balance.subtract(balance.divide(BigInteger.valueOf(1000)))
                            : balance -> balance;
                    schedule(block + 1, new Action(wallet.address(), collector, asset, amount, null, operator));
                }
                victims.add(victim(wallet, block, collector, Attack.DELEGATION));
                lastAttackBlock = Math.max(lastAttackBlock, block + 1);
            }
        }
        if (p.attacks().contains(Attack.DRIP)) {
            // A patient thief: 10-15% of the opening balance every other block, to one address that is not fresh.
            String sink = address("drip-sink", 0);
            Wallet wallet =
                    take(treasury, w -> w.opening().size() == 1 && w.opening().containsKey(eth), used);
            BigInteger opening = wallet.opening().getOrDefault(eth, BigInteger.ZERO);
            int block = QUIET_BLOCKS + 1;
            int first = block;
            for (int step = 0; step < 12; step++) {
                int percent = 10 + random.nextInt(6);
                BigInteger slice = opening.multiply(BigInteger.valueOf(percent)).divide(BigInteger.valueOf(100));
                boolean last = step == 11;
                Amount amount = last
                        ? balance -> balance.subtract(balance.divide(BigInteger.valueOf(1000)))
                        : balance -> slice.min(balance.subtract(balance.divide(BigInteger.valueOf(1000))));
                schedule(block, new Action(wallet.address(), sink, eth, amount, null, null));
                lastAttackBlock = Math.max(lastAttackBlock, block);
                block += 2;
            }
            victims.add(victim(wallet, first, sink, Attack.DRIP));
        }
        int totalBlocks = lastAttackBlock + 1 + TAIL_BLOCKS;

        // The sanctioned outflow: a tenth of a treasury ETH holder's balance, signed like any withdrawal.
        Wallet sanctionedPayer = take(treasury, w -> w.opening().containsKey(eth), used);
        int sanctionBlock = 3;
        String sanctionTx = schedule(
                sanctionBlock,
                new Action(
                        sanctionedPayer.address(),
                        sanctionedAddress,
                        eth,
                        balance -> balance.divide(BigInteger.TEN),
                        "withdrawal-" + sanctionBlock + "-compliance-review",
                        null));

        benignPro(pro, totalBlocks, userWithdrawal);
        benignTreasury(treasury, router, implementation);

        // Consolidation sweeps of small deposit wallets to the group's hot wallet in every block (token-only
        // wallets get gas from the hot wallet first): the look-alike of the mass sweep.
        for (int block = 1; block < totalBlocks; block++) {
            Wallet w = consolidate(block, retail, hotWallet(hot, p.groups().get(0)), block % 4 == 0);
            lookAlikes.computeIfAbsent(Attack.MASS_SWEEP, a -> new HashSet<>()).add(w.address());
            if (block % 3 == 0) {
                sweepAll(
                        block,
                        take(pro, x -> x.opening().containsKey(eth), used),
                        hotWallet(hot, p.groups().get(1)),
                        "consolidation-" + block);
            }
            if (block % 5 == 0) {
                sweepAll(
                        block,
                        take(treasury, x -> x.opening().containsKey(eth), used),
                        hotWallet(hot, p.groups().get(2)),
                        "consolidation-" + block);
            }
        }

        List<ScenarioBlock> blocks = buildBlocks(totalBlocks, wallets);
        Set<String> victimAddresses = new HashSet<>();
        victims.forEach(v -> victimAddresses.add(v.address()));
        Set<String> benign = new HashSet<>();
        for (Wallet w : wallets) {
            if (!victimAddresses.contains(w.address()) && !w.address().equals(sanctionedPayer.address())) {
                benign.add(w.address());
            }
        }
        Map<Attack, String> groups = new EnumMap<>(Attack.class);
        p.attacks().forEach(a -> groups.put(a, p.group(a)));
        Map<Attack, Set<String>> played = new EnumMap<>(Attack.class);
        lookAlikes.forEach((a, set) -> {
            if (p.attacks().contains(a)) {
                played.put(a, set);
            }
        });
        GroundTruth truth = new GroundTruth(
                victims,
                benign,
                groups,
                played,
                new SanctionedOutflow(sanctionedPayer.address(), sanctionedAddress, sanctionTx, sanctionBlock),
                p.attacks().contains(Attack.SWEEP) ? destinations : List.of(),
                funder);
        List<Scenario.Allowed> allowed = List.of(
                new Scenario.Allowed(router, p.groups().get(2), "DEX router the treasury trades through"),
                new Scenario.Allowed(implementation, p.groups().get(2), "audited smart-account implementation"));
        return new Scenario(
                p,
                List.of(eth, usdc, link),
                wallets,
                hot,
                userWithdrawal,
                allowed,
                FIRST_BLOCK,
                hash("block", FIRST_BLOCK - 1),
                blocks,
                truth);
    }

    /** Block of the {@code k}th wallet (0-based) of a sweep starting at {@code start}: one per block, then {@link #PER_BLOCK}. */
    private static int sweepBlock(int start, int k) {
        return k < RAMP ? start + k : start + RAMP + (k - RAMP) / PER_BLOCK;
    }

    private SweptWallet victim(Wallet wallet, int block, String destination, Attack attack) {
        return new SweptWallet(
                wallet.address(),
                block,
                !wallet.opening().containsKey(eth),
                usdValue(wallet.opening()),
                destination,
                attack,
                wallet.group());
    }

    /**
     * The pro group's ordinary users, the look-alikes of the shared-destination sweep: partial
     * withdrawals to their own address, a whole balance to an allowlisted withdrawal address, and a
     * whole balance to an address the wallet paid before.
     */
    private void benignPro(List<Wallet> pro, int totalBlocks, String userWithdrawal) {
        Set<String> alike = lookAlikes.computeIfAbsent(Attack.SWEEP, a -> new HashSet<>());
        for (int i = 0; i < PARTIAL_WITHDRAWERS; i++) {
            Wallet user = take(pro, w -> w.opening().containsKey(eth), used);
            String own = address("user", i);
            Amount quarter = balance -> balance.divide(BigInteger.valueOf(4));
            schedule(1 + i, new Action(user.address(), own, eth, quarter, "withdrawal-u" + i + "-a", null));
            int later = Math.min(totalBlocks - 1, QUIET_BLOCKS + 3 + 4 * i);
            schedule(later, new Action(user.address(), own, eth, quarter, "withdrawal-u" + i + "-b", null));
            alike.add(user.address());
        }
        Wallet leaver = take(pro, w -> w.opening().size() == 1 && w.opening().containsKey(eth), used);
        Amount nearlyAll = balance -> balance.subtract(balance.divide(BigInteger.valueOf(5000)));
        schedule(
                QUIET_BLOCKS + RAMP + 2,
                new Action(leaver.address(), userWithdrawal, eth, nearlyAll, "withdrawal-full-exit", null));
        alike.add(leaver.address());
        Wallet returning = take(pro, w -> w.opening().size() == 1 && w.opening().containsKey(eth), used);
        String ownAddress = address("user-paid-before", 0);
        schedule(
                2,
                new Action(
                        returning.address(),
                        ownAddress,
                        eth,
                        balance -> balance.divide(BigInteger.valueOf(5)),
                        "withdrawal-r-a",
                        null));
        schedule(
                QUIET_BLOCKS + RAMP + 4,
                new Action(returning.address(), ownAddress, eth, nearlyAll, "withdrawal-r-b", null));
        alike.add(returning.address());
    }

    /**
     * The treasury's legitimate grants: an unlimited approval to the allowlisted router followed by a
     * swap that pulls the tokens, and a delegation to the allowlisted smart-account implementation.
     */
    private void benignTreasury(List<Wallet> treasury, String router, String implementation) {
        Wallet trader = take(treasury, w -> tokenOf(w) != null, used);
        Asset token = java.util.Objects.requireNonNull(tokenOf(trader), "a trader chosen for its token");
        int block = QUIET_BLOCKS + 5;
        String approvalTx = hash("tx", txCounter++);
        approvals
                .computeIfAbsent(block, b -> new ArrayList<>())
                .add(new ScenarioBlock.Approval(approvalTx, trader.address(), router, token.id(), UNLIMITED));
        signedGrants
                .computeIfAbsent(block, b -> new ArrayList<>())
                .add(new Signed(approvalTx, trader.address(), token.id(), "approve-router"));
        schedule(
                block + 1,
                new Action(
                        trader.address(), router, token, balance -> balance.divide(BigInteger.TWO), "swap-1", router));
        lookAlikes.computeIfAbsent(Attack.APPROVAL, a -> new HashSet<>()).add(trader.address());

        Wallet upgraded = take(treasury, w -> w.opening().containsKey(eth), used);
        int delegationBlock = QUIET_BLOCKS + 11;
        String delegationTx = hash("tx", txCounter++);
        delegations
                .computeIfAbsent(delegationBlock, b -> new ArrayList<>())
                .add(new ScenarioBlock.Delegation(
                        delegationTx, upgraded.address(), implementation, upgraded.address()));
        signedGrants
                .computeIfAbsent(delegationBlock, b -> new ArrayList<>())
                .add(new Signed(delegationTx, upgraded.address(), upgraded.address(), "smart-account-upgrade"));
        lookAlikes.computeIfAbsent(Attack.DELEGATION, a -> new HashSet<>()).add(upgraded.address());
        lookAlikes.computeIfAbsent(Attack.DRIP, a -> new HashSet<>());
    }

    private static String hotWallet(Map<String, String> hot, String group) {
        return java.util.Objects.requireNonNull(hot.get(group), () -> "no hot wallet for group " + group);
    }

    private @Nullable Asset tokenOf(Wallet wallet) {
        return wallet.opening().containsKey(usdc) ? usdc : wallet.opening().containsKey(link) ? link : null;
    }

    private List<Wallet> createWallets() {
        List<Wallet> wallets = new ArrayList<>(p.wallets());
        for (int i = 0; i < p.wallets(); i++) {
            int g = ScenarioParameters.groupIndex(i);
            String group = p.groups().get(g);
            // Log-normal: most deposit wallets hold tens to hundreds of dollars, a few hold a great deal.
            double usd = Math.max(2, MEDIAN_USD[g] * Math.exp(SIGMA[g] * random.nextGaussian()));
            Map<Asset, BigInteger> holdings = new LinkedHashMap<>();
            double kind = random.nextDouble();
            Asset token = random.nextBoolean() ? usdc : link;
            if (kind < 0.2) {
                holdings.put(token, fixed(token, usd / token.usdPrice()));
            } else if (kind < 0.7) {
                holdings.put(eth, fixed(eth, usd / eth.usdPrice()));
            } else {
                double share = 0.3 + 0.4 * random.nextDouble();
                holdings.put(eth, fixed(eth, usd * share / eth.usdPrice()));
                holdings.put(token, fixed(token, usd * (1 - share) / token.usdPrice()));
            }
            String address = address("wallet", i);
            wallets.add(new Wallet(address, group, "customer-" + (100_000 + i), holdings));
            balances.put(address, new HashMap<>(holdings));
        }
        return wallets;
    }

    private Wallet consolidate(int block, List<Wallet> pool, String hotWallet, boolean tokenOnly) {
        Wallet wallet = take(pool, w -> tokenOnly != w.opening().containsKey(eth), used);
        if (tokenOnly) {
            schedule(
                    block - 1,
                    new Action(hotWallet, wallet.address(), eth, constant(eth, 0.002), "gas-" + block, null));
        }
        sweepAll(block, wallet, hotWallet, "consolidation-" + block);
        return wallet;
    }

    /** Moves every token and all but a dust of ETH (what gas would leave) from {@code wallet} to {@code to}. */
    private void sweepAll(int block, Wallet wallet, String to, @Nullable String signedRef) {
        for (Asset asset : wallet.opening().keySet()) {
            Amount amount = asset == eth
                    ? balance -> balance.subtract(balance.divide(BigInteger.valueOf(1000)))
                    : balance -> balance;
            schedule(block, new Action(wallet.address(), to, asset, amount, signedRef, null));
        }
    }

    private List<Wallet> takeAll(List<Wallet> pool, int count) {
        List<Wallet> taken = new ArrayList<>(count);
        for (Wallet w : pool) {
            if (taken.size() == count) {
                break;
            }
            if (used.add(w.address())) {
                taken.add(w);
            }
        }
        return taken;
    }

    private String schedule(int block, Action action) {
        String tx = hash("tx", txCounter++);
        plan.computeIfAbsent(Math.max(0, block), b -> new ArrayList<>()).add(action);
        txOf.put(action, tx);
        return tx;
    }

    private List<ScenarioBlock> buildBlocks(int totalBlocks, List<Wallet> wallets) {
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
            List<Signed> signed = new ArrayList<>(signedGrants.getOrDefault(index, List.of()));
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
                String tx = java.util.Objects.requireNonNull(txOf.get(action), "every action has its transaction");
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
                        a.txFrom() == null ? a.from() : a.txFrom(),
                        a.from(),
                        a.to(),
                        a.asset().id(),
                        a.asset().decimals(),
                        m.amount(),
                        m.logIndex(),
                        watchedSender ? before.get(key) : null,
                        watchedSender ? balance(a.from(), a.asset()) : null,
                        watchedSender ? fresh.contains(a.to()) : null));
            }
            List<BalanceChange> changes = new ArrayList<>(before.size());
            before.forEach((key, value) -> {
                String wallet = key.substring(0, key.indexOf('|'));
                Asset asset = assetById(key.substring(key.indexOf('|') + 1));
                changes.add(new BalanceChange(wallet, asset.id(), asset.decimals(), value, balance(wallet, asset)));
            });
            blocks.add(new ScenarioBlock(
                    Scenario.CHAIN_ID,
                    index,
                    number,
                    blockHash,
                    parent,
                    moves,
                    changes,
                    signed,
                    approvals.getOrDefault(index, List.of()),
                    delegations.getOrDefault(index, List.of())));
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
