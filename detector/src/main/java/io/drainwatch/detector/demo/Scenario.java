package io.drainwatch.detector.demo;

import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.WatchedWallet;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built-in attack on a custodial fleet, as data: the reference tables (watched wallets, labels,
 * allowlist, prices, opening balances), a timeline of blocks and the ground truth. Pure: the same
 * parameters always give the same scenario, and nothing here talks to Kafka.
 */
public final class Scenario {
    /** The scenario's chain: anvil's default chain id. */
    public static final long CHAIN_ID = 31337;

    private final ScenarioParameters parameters;
    private final List<Asset> assets;
    private final List<Wallet> wallets;
    private final Map<String, String> hotWallets;
    private final String userWithdrawalAddress;
    private final List<Allowed> allowed;
    private final long firstBlock;
    private final String genesisHash;
    private final List<ScenarioBlock> blocks;
    private final GroundTruth truth;

    /** An asset the fleet holds, with its USD price. */
    public record Asset(String id, String symbol, int decimals, double usdPrice) {
        /** USD value of {@code raw} units. */
        public double usd(BigInteger raw) {
            return new BigDecimal(raw).movePointLeft(decimals).doubleValue() * usdPrice;
        }
    }

    /** A contract the custodian allowlists for one custody group (a router, a wallet implementation). */
    public record Allowed(String address, String group, String note) {}

    /** A watched wallet with its opening balances. */
    public record Wallet(String address, String group, String ownerRef, Map<Asset, BigInteger> opening) {}

    Scenario(
            ScenarioParameters parameters,
            List<Asset> assets,
            List<Wallet> wallets,
            Map<String, String> hotWallets,
            String userWithdrawalAddress,
            List<Allowed> allowed,
            long firstBlock,
            String genesisHash,
            List<ScenarioBlock> blocks,
            GroundTruth truth) {
        this.parameters = parameters;
        this.assets = List.copyOf(assets);
        this.wallets = List.copyOf(wallets);
        this.hotWallets = Map.copyOf(hotWallets);
        this.userWithdrawalAddress = userWithdrawalAddress;
        this.allowed = List.copyOf(allowed);
        this.firstBlock = firstBlock;
        this.genesisHash = genesisHash;
        this.blocks = List.copyOf(blocks);
        this.truth = truth;
    }

    /** Builds the scenario for {@code parameters}. */
    public static Scenario generate(ScenarioParameters parameters) {
        return new ScenarioGenerator(parameters).generate();
    }

    public ScenarioParameters parameters() {
        return parameters;
    }

    public List<Asset> assets() {
        return assets;
    }

    public List<Wallet> wallets() {
        return wallets;
    }

    /** The custodian's hot wallet of each custody group, where consolidation sweeps go. */
    public Map<String, String> hotWallets() {
        return hotWallets;
    }

    public List<ScenarioBlock> blocks() {
        return blocks;
    }

    public GroundTruth truth() {
        return truth;
    }

    /**
     * Everything the detector must know before the first block: prices, watched wallets, labels,
     * allowlist, each wallet's opening balance per asset, and the head the timeline builds on.
     */
    public List<FeedRecord> referenceData(Instant now) {
        List<FeedRecord> out = new ArrayList<>();
        for (Asset asset : assets) {
            out.add(new FeedRecord(
                    FeedRecord.Target.PRICES,
                    TokenPrice.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAsset(asset.id())
                            .setUsdPrice(asset.usdPrice())
                            .setDecimals(asset.decimals())
                            .setSymbol(asset.symbol())
                            .setUpdatedAt(now)
                            .build()));
        }
        for (Map.Entry<String, String> hot : hotWallets.entrySet()) {
            out.add(new FeedRecord(
                    FeedRecord.Target.ALLOWLIST,
                    AllowedCounterparty.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAddress(hot.getValue())
                            .setCustodyGroup(hot.getKey())
                            .setKind(CounterpartyKind.OWN_HOT)
                            .setNote("hot wallet of " + hot.getKey())
                            .build()));
            out.add(new FeedRecord(
                    FeedRecord.Target.LABELS,
                    AddressLabel.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAddress(hot.getValue())
                            .setCategory(LabelCategory.OWN)
                            .setSource("custodian")
                            .setNote("hot wallet of " + hot.getKey())
                            .build()));
        }
        out.add(new FeedRecord(
                FeedRecord.Target.ALLOWLIST,
                AllowedCounterparty.newBuilder()
                        .setChainId(CHAIN_ID)
                        .setAddress(userWithdrawalAddress)
                        .setCustodyGroup("*")
                        .setKind(CounterpartyKind.USER_WITHDRAWAL)
                        .setNote("a customer's verified withdrawal address")
                        .build()));
        for (Allowed a : allowed) {
            out.add(new FeedRecord(
                    FeedRecord.Target.ALLOWLIST,
                    AllowedCounterparty.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAddress(a.address())
                            .setCustodyGroup(a.group())
                            .setKind(CounterpartyKind.OTHER)
                            .setNote(a.note())
                            .build()));
        }
        out.add(new FeedRecord(
                FeedRecord.Target.LABELS,
                AddressLabel.newBuilder()
                        .setChainId(null)
                        .setAddress(truth.sanctioned().destination())
                        .setCategory(LabelCategory.SANCTIONED)
                        .setSource("sanctions list (demo)")
                        .build()));
        for (Wallet wallet : wallets) {
            out.add(new FeedRecord(
                    FeedRecord.Target.WALLETS,
                    WatchedWallet.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAddress(wallet.address())
                            .setCustodyGroup(wallet.group())
                            .setOwnerRef(wallet.ownerRef())
                            .setTags(List.of("deposit"))
                            .build()));
        }
        long openingBlock = firstBlock - 1;
        for (Wallet wallet : wallets) {
            for (Map.Entry<Asset, BigInteger> holding : wallet.opening().entrySet()) {
                out.add(new FeedRecord(
                        FeedRecord.Target.BALANCES,
                        BalanceSnapshot.newBuilder()
                                .setChainId(CHAIN_ID)
                                .setWallet(wallet.address())
                                .setAsset(holding.getKey().id())
                                .setBalance(new BigDecimal(holding.getValue()))
                                .setDecimals(holding.getKey().decimals())
                                .setBlockNumber(openingBlock)
                                .setBlockHash(genesisHash)
                                .setBlockTime(now)
                                .build()));
            }
        }
        out.add(new FeedRecord(
                FeedRecord.Target.HEADS,
                BlockHead.newBuilder()
                        .setChainId(CHAIN_ID)
                        .setNumber(openingBlock)
                        .setHash(genesisHash)
                        .setParentHash(ScenarioGenerator.ZERO_HASH)
                        .setTime(now)
                        .build()));
        return out;
    }
}
