package io.drainwatch.detector.chain;

import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Adds what the detector needs about watched wallets and reads it from the node at the exact block
 * (by hash, EIP-1898), in one batch per step: each watched wallet's balance of every asset it moved,
 * before (at the parent) and after the block; and whether each destination of a watched outflow was
 * fresh (nonce 0 and no code) before the block.
 */
public final class Enricher {
    private static final String BALANCE_OF = "0x70a08231";

    private final JsonRpcClient rpc;
    private final long chainId;

    public Enricher(JsonRpcClient rpc, long chainId) {
        this.rpc = rpc;
        this.chainId = chainId;
    }

    private record Holding(String wallet, String asset) {}

    private record Plan(BlockEvents events, List<Holding> holdings, List<String> destinations) {}

    /** The blocks with watched senders' transfers enriched and balance snapshots added. */
    public List<BlockEvents> enrich(List<BlockEvents> blocks, Set<String> watched) {
        if (watched.isEmpty()) {
            return blocks;
        }
        List<Plan> plans = new ArrayList<>();
        List<RpcCall> calls = new ArrayList<>();
        for (BlockEvents b : blocks) {
            Set<Holding> holdings = new LinkedHashSet<>();
            Set<String> destinations = new LinkedHashSet<>();
            for (TransferEvent t : b.transfers()) {
                if (t.getKind() == TransferKind.ERC1155) {
                    continue; // balances of ERC-1155 are per token id; not snapshotted yet
                }
                if (watched.contains(t.getFrom())) {
                    holdings.add(new Holding(t.getFrom(), t.getAsset()));
                    destinations.add(t.getTo());
                }
                if (watched.contains(t.getTo())) {
                    holdings.add(new Holding(t.getTo(), t.getAsset()));
                }
                if (t.getTxFrom() != null && watched.contains(t.getTxFrom())) {
                    holdings.add(new Holding(t.getTxFrom(), Addresses.NATIVE)); // it paid gas
                }
            }
            Map<String, String> parent = Map.of("blockHash", b.head().getParentHash());
            Map<String, String> self = Map.of("blockHash", b.head().getHash());
            for (Holding h : holdings) {
                calls.add(balanceCall(h, parent));
                calls.add(balanceCall(h, self));
            }
            for (String d : destinations) {
                calls.add(RpcCall.of("eth_getTransactionCount", d, parent));
                calls.add(RpcCall.of("eth_getCode", d, parent));
            }
            plans.add(new Plan(b, List.copyOf(holdings), List.copyOf(destinations)));
        }
        if (calls.isEmpty()) {
            return blocks;
        }
        List<RpcResult> results = rpc.batch(calls);
        List<BlockEvents> out = new ArrayList<>(blocks.size());
        int i = 0;
        for (Plan p : plans) {
            Map<Holding, BigDecimal[]> balances = new LinkedHashMap<>();
            for (Holding h : p.holdings()) {
                balances.put(h, new BigDecimal[] {amount(results.get(i++)), amount(results.get(i++))});
            }
            Map<String, Boolean> fresh = new LinkedHashMap<>();
            for (String d : p.destinations()) {
                RpcResult nonce = results.get(i++);
                RpcResult code = results.get(i++);
                if (nonce.ok() && code.ok()) {
                    fresh.put(
                            d,
                            Hex.big(nonce.result().asText()).signum() == 0
                                    && Hex.strip(code.result().asText()).isEmpty());
                }
            }
            List<TransferEvent> transfers = new ArrayList<>();
            for (TransferEvent t : p.events().transfers()) {
                BigDecimal[] sender = balances.get(new Holding(t.getFrom(), t.getAsset()));
                if (sender == null) {
                    transfers.add(t);
                    continue;
                }
                transfers.add(TransferEvent.newBuilder(t)
                        .setSenderBalanceBefore(sender[0])
                        .setSenderBalanceAfter(sender[1])
                        .setRecipientFresh(fresh.get(t.getTo()))
                        .build());
            }
            List<BalanceSnapshot> snapshots = new ArrayList<>();
            balances.forEach((h, v) -> {
                if (v[1] != null) {
                    snapshots.add(BalanceSnapshot.newBuilder()
                            .setChainId(chainId)
                            .setWallet(h.wallet())
                            .setAsset(h.asset())
                            .setBalance(v[1])
                            .setPreviousBalance(v[0])
                            .setDecimals(h.asset().equals(Addresses.NATIVE) ? BlockDecoder.NATIVE_DECIMALS : null)
                            .setBlockNumber(p.events().head().getNumber())
                            .setBlockHash(p.events().head().getHash())
                            .setBlockTime(p.events().head().getTime())
                            .build());
                }
            });
            out.add(p.events().withEnrichment(transfers, snapshots));
        }
        return out;
    }

    private static RpcCall balanceCall(Holding h, Map<String, String> at) {
        if (h.asset().equals(Addresses.NATIVE)) {
            return RpcCall.of("eth_getBalance", h.wallet(), at);
        }
        return RpcCall.of("eth_call", Map.of("to", h.asset(), "data", BALANCE_OF + Hex.pad(h.wallet())), at);
    }

    /** A uint256 answer, or null when the node could not say (a token without balanceOf). */
    private static @Nullable BigDecimal amount(RpcResult r) {
        if (!r.ok() || !r.result().isTextual()) {
            return null;
        }
        String digits = Hex.strip(r.result().asText());
        if (digits.isEmpty() || digits.length() > 64) {
            return null;
        }
        return new BigDecimal(Hex.big(digits));
    }
}
