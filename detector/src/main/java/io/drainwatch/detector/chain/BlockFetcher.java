package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Frame;
import io.drainwatch.detector.chain.NodeData.Head;
import io.drainwatch.detector.chain.NodeData.Receipt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads blocks, receipts and traces from the node in batched calls. */
public final class BlockFetcher {
    private static final Map<String, Object> CALL_TRACER = Map.of("tracer", "callTracer");

    private final JsonRpcClient rpc;
    private final TraceMode traces;
    /** Cleared when the node lacks eth_getBlockReceipts: receipts are then read one transaction at a time. */
    private volatile boolean blockReceipts = true;

    public BlockFetcher(JsonRpcClient rpc, TraceMode traces) {
        this.rpc = rpc;
        this.traces = traces;
    }

    /** The node's head. */
    public Head latest() {
        JsonNode node = rpc.call("eth_getBlockByNumber", "latest", false);
        if (node.isNull()) {
            throw new RpcException(RpcErrorKind.RPC_ERROR, "node has no latest block");
        }
        return NodeData.head(node);
    }

    /** The node's finalized block number, when it tracks one. */
    public Optional<Long> finalized() {
        RpcResult r = rpc.batch(List.of(RpcCall.of("eth_getBlockByNumber", "finalized", false)))
                .get(0);
        return r.ok() && r.result().isObject()
                ? Optional.of(NodeData.head(r.result()).number())
                : Optional.empty();
    }

    /** The block with {@code hash}, or empty when the node does not know it (anymore). */
    public Optional<Block> byHash(String hash) {
        JsonNode node = rpc.call("eth_getBlockByHash", hash, true);
        return node.isNull() ? Optional.empty() : Optional.of(NodeData.block(node));
    }

    /** The canonical blocks {@code from..to} as far as the node has them, in one batch. */
    public List<Block> byNumbers(long from, long to) {
        List<RpcCall> calls = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            calls.add(RpcCall.of("eth_getBlockByNumber", Hex.quantity(n), true));
        }
        List<Block> blocks = new ArrayList<>();
        for (JsonNode node : rpc.batchStrict(calls)) {
            if (node.isNull()) {
                break;
            }
            blocks.add(NodeData.block(node));
        }
        return blocks;
    }

    /** Receipts and traces of every block, read by block hash in one batch. */
    public List<FetchedBlock> details(List<Block> blocks) {
        if (!blockReceipts) {
            return detailsPerTransaction(blocks);
        }
        List<RpcCall> calls = new ArrayList<>();
        for (Block b : blocks) {
            calls.add(RpcCall.of("eth_getBlockReceipts", b.hash()));
            switch (traces) {
                case DEBUG -> calls.add(RpcCall.of("debug_traceBlockByHash", b.hash(), CALL_TRACER));
                case PARITY -> calls.add(RpcCall.of("trace_block", Hex.quantity(b.number())));
                case NONE -> {}
            }
        }
        List<RpcResult> answers = rpc.batch(calls);
        if (blockReceipts
                && !answers.isEmpty()
                && !answers.get(0).ok()
                && unsupported(answers.get(0).error())) {
            blockReceipts = false;
            return details(blocks);
        }
        List<JsonNode> results = new ArrayList<>(answers.size());
        for (int k = 0; k < answers.size(); k++) {
            if (!answers.get(k).ok()) {
                throw new RpcException(
                        RpcErrorKind.RPC_ERROR,
                        calls.get(k).method() + ": " + answers.get(k).error());
            }
            results.add(answers.get(k).result());
        }
        List<FetchedBlock> out = new ArrayList<>(blocks.size());
        int i = 0;
        for (Block b : blocks) {
            JsonNode receiptsNode = results.get(i++);
            if (receiptsNode.isNull()) {
                throw new RpcException(
                        RpcErrorKind.IO, "node has no receipts for block " + b.number() + " (reorganised away?)");
            }
            Map<String, Receipt> receipts = new HashMap<>();
            for (JsonNode r : receiptsNode) {
                Receipt receipt = NodeData.receipt(r);
                receipts.put(receipt.txHash(), receipt);
            }
            out.add(new FetchedBlock(b, receipts, traces == TraceMode.NONE ? Map.of() : frames(b, results.get(i++))));
        }
        return out;
    }

    /** The root frame of every transaction of {@code b}, from the node's answer to the trace call. */
    private Map<String, Frame> frames(Block b, JsonNode trace) {
        return switch (traces) {
            case DEBUG -> debugFrames(b, trace);
            case PARITY -> parityFrames(b, trace);
            case NONE -> Map.of();
        };
    }

    /** Method-not-found style answers: the node does not offer the call at all. */
    private static boolean unsupported(@Nullable String error) {
        return error != null
                && (error.startsWith("-32601")
                        || error.toLowerCase(java.util.Locale.ROOT).contains("not supported")
                        || error.toLowerCase(java.util.Locale.ROOT).contains("does not exist"));
    }

    /** The same as {@link #details} with one eth_getTransactionReceipt per transaction (older nodes). */
    private List<FetchedBlock> detailsPerTransaction(List<Block> blocks) {
        List<RpcCall> calls = new ArrayList<>();
        for (Block b : blocks) {
            b.transactions().forEach(tx -> calls.add(RpcCall.of("eth_getTransactionReceipt", tx.hash())));
            switch (traces) {
                case DEBUG -> calls.add(RpcCall.of("debug_traceBlockByHash", b.hash(), CALL_TRACER));
                case PARITY -> calls.add(RpcCall.of("trace_block", Hex.quantity(b.number())));
                case NONE -> {}
            }
        }
        List<JsonNode> results = rpc.batchStrict(calls);
        List<FetchedBlock> out = new ArrayList<>(blocks.size());
        int i = 0;
        for (Block b : blocks) {
            Map<String, Receipt> receipts = new HashMap<>();
            for (int t = 0; t < b.transactions().size(); t++) {
                JsonNode r = results.get(i++);
                if (r.isNull() || !Hex.lower(r.path("blockHash").asText()).equals(b.hash())) {
                    throw new RpcException(
                            RpcErrorKind.IO,
                            "receipt of a transaction of block " + b.number() + " is missing or moved (reorganised?)");
                }
                Receipt receipt = NodeData.receipt(r);
                receipts.put(receipt.txHash(), receipt);
            }
            out.add(new FetchedBlock(b, receipts, traces == TraceMode.NONE ? Map.of() : frames(b, results.get(i++))));
        }
        return out;
    }

    /**
     * The root frame of every transaction of {@code b}. A transaction the node could not trace (an item
     * with an error and no result) or left out fails the step, which is retried: its internal transfers
     * must not silently go missing.
     */
    private static Map<String, Frame> debugFrames(Block b, JsonNode traced) {
        Map<String, Frame> frames = new HashMap<>();
        int position = 0;
        for (JsonNode t : traced) {
            // older geth answers without txHash, in transaction order
            String tx = t.hasNonNull("txHash")
                    ? Hex.lower(t.get("txHash").asText())
                    : position < b.transactions().size()
                            ? b.transactions().get(position).hash()
                            : "at position " + position;
            if (!t.path("result").isObject()) {
                throw new RpcException(
                        RpcErrorKind.RPC_ERROR,
                        "debug_traceBlockByHash: no trace of transaction " + tx + " of block " + b.number() + ": "
                                + (t.hasNonNull("error") ? t.get("error").toString() : "no result"));
            }
            frames.put(tx, NodeData.frame(t.get("result")));
            position++;
        }
        for (NodeData.Transaction tx : b.transactions()) {
            if (!frames.containsKey(tx.hash())) {
                throw new RpcException(
                        RpcErrorKind.RPC_ERROR,
                        "debug_traceBlockByHash: no trace of transaction " + tx.hash() + " of block " + b.number());
            }
        }
        return frames;
    }

    private static Map<String, Frame> parityFrames(Block b, JsonNode traced) {
        for (JsonNode t : traced) {
            @Nullable
            String hash =
                    t.hasNonNull("blockHash") ? Hex.lower(t.get("blockHash").asText()) : null;
            if (hash != null && !hash.equals(b.hash())) {
                // trace_block takes a number: the chain moved between the two reads
                throw new RpcException(RpcErrorKind.IO, "trace_block answered for another block at " + b.number());
            }
        }
        return NodeData.parityFrames(traced);
    }
}
