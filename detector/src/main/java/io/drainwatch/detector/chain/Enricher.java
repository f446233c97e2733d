package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.StateRead;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds what the detector needs about watched wallets and reads it from the node at the exact block
 * (by hash, EIP-1898), in one batch per step: each watched wallet's balance of every asset it moved,
 * before (at the parent) and after the block; and whether each destination of a watched outflow was
 * fresh (nonce 0 and no code) before the block.
 */
public final class Enricher {
    private static final Logger log = LoggerFactory.getLogger(Enricher.class);
    private static final String BALANCE_OF = "0x70a08231";

    private final JsonRpcClient rpc;
    private final long chainId;
    private final IngestMetrics metrics;

    public Enricher(JsonRpcClient rpc, long chainId, IngestMetrics metrics) {
        this.rpc = rpc;
        this.chainId = chainId;
        this.metrics = metrics;
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
        Failures failures = new Failures();
        List<BlockEvents> out = new ArrayList<>(blocks.size());
        int i = 0;
        for (Plan p : plans) {
            Map<Holding, BigDecimal[]> balances = new LinkedHashMap<>();
            for (Holding h : p.holdings()) {
                StateRead read = h.asset().equals(Addresses.NATIVE) ? StateRead.BALANCE : StateRead.TOKEN_BALANCE;
                RpcResult before = results.get(i++);
                RpcResult after = results.get(i++);
                balances.put(h, new BigDecimal[] {
                    failures.check(read, before, amount(before)), failures.check(read, after, amount(after))
                });
            }
            Map<String, Boolean> fresh = new LinkedHashMap<>();
            for (String d : p.destinations()) {
                RpcResult nonce = results.get(i++);
                RpcResult code = results.get(i++);
                BigInteger count = failures.check(StateRead.NONCE, nonce, quantity(nonce));
                String bytecode = failures.check(
                        StateRead.CODE, code, code.ok() ? code.result().textValue() : null);
                if (count != null && bytecode != null) {
                    fresh.put(d, count.signum() == 0 && Hex.strip(bytecode).isEmpty());
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
        failures.report(blocks);
        return out;
    }

    /** The reads of one step the node did not answer: counted each, and said in one line. */
    private final class Failures {
        private final Map<StateRead, Integer> counts = new EnumMap<>(StateRead.class);
        private @Nullable String first;

        /** {@code value}, after counting {@code r} as failed when the value could not be read from it. */
        <T> @Nullable T check(StateRead read, RpcResult r, @Nullable T value) {
            if (value == null) {
                metrics.stateReadFailed(read);
                counts.merge(read, 1, Integer::sum);
                if (first == null) {
                    String why = r.ok() || r.error() == null ? "unreadable result" : r.error();
                    first = why.length() > 200 ? why.substring(0, 200) + "..." : why;
                }
            }
            return value;
        }

        void report(List<BlockEvents> blocks) {
            if (counts.isEmpty()) {
                return;
            }
            log.warn(
                    "event=state_reads_failed chain={} from_block={} to_block={} failed={} first_error=\"{}\"",
                    chainId,
                    blocks.get(0).head().getNumber(),
                    blocks.get(blocks.size() - 1).head().getNumber(),
                    counts.entrySet().stream()
                            .map(e -> e.getKey().label() + ":" + e.getValue())
                            .collect(Collectors.joining(",")),
                    first == null ? "" : first.replaceAll("[\"\\r\\n]", "'"));
        }
    }

    /** A quantity answer (a nonce), or null when the node could not say. */
    private static @Nullable BigInteger quantity(RpcResult r) {
        if (!r.ok() || !r.result().isTextual()) {
            return null;
        }
        try {
            return Hex.big(r.result().asText());
        } catch (NumberFormatException e) {
            return null;
        }
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
