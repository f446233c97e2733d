package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The node's view of a block, decoded from JSON-RPC answers into plain values. */
public final class NodeData {
    private NodeData() {}

    /** A block with its full transactions. */
    public record Block(long number, String hash, String parentHash, long timestamp, List<Transaction> transactions) {}

    /** A transaction; {@code to} is null for contract creation. */
    public record Transaction(
            String hash,
            String from,
            @Nullable String to,
            BigInteger value,
            String input,
            int type,
            List<Authorization> authorizations) {}

    /** An EIP-7702 authorisation tuple as signed by its authority. */
    public record Authorization(
            BigInteger chainId, String address, BigInteger nonce, BigInteger yParity, BigInteger r, BigInteger s) {}

    /** A receipt: whether the transaction succeeded, the contract it created, its logs. */
    public record Receipt(
            String txHash, boolean success, @Nullable String contractAddress, List<Log> logs) {}

    /** An event log. */
    public record Log(String address, List<String> topics, String data, int logIndex, String txHash) {}

    /** A call frame of a transaction's execution; {@code failed} frames and their children moved nothing. */
    public record Frame(
            String type,
            String from,
            @Nullable String to,
            BigInteger value,
            String input,
            boolean failed,
            List<Frame> calls) {}

    /** A header only (a new-head notification or a block fetched without transactions). */
    public record Head(long number, String hash, String parentHash, long timestamp) {}

    static Head head(JsonNode node) {
        return new Head(
                Hex.lng(node.path("number").asText()),
                Hex.lower(node.path("hash").asText()),
                Hex.lower(node.path("parentHash").asText()),
                Hex.lng(node.path("timestamp").asText()));
    }

    static Block block(JsonNode node) {
        List<Transaction> txs = new ArrayList<>();
        for (JsonNode tx : node.path("transactions")) {
            if (!tx.isObject()) {
                throw new IllegalArgumentException("block fetched without full transactions");
            }
            txs.add(transaction(tx));
        }
        return new Block(
                Hex.lng(node.path("number").asText()),
                Hex.lower(node.path("hash").asText()),
                Hex.lower(node.path("parentHash").asText()),
                Hex.lng(node.path("timestamp").asText()),
                List.copyOf(txs));
    }

    static Transaction transaction(JsonNode tx) {
        List<Authorization> auths = new ArrayList<>();
        for (JsonNode a : tx.path("authorizationList")) {
            String parity = a.hasNonNull("yParity")
                    ? a.path("yParity").asText()
                    : a.path("v").asText("0x0");
            auths.add(new Authorization(
                    Hex.big(a.path("chainId").asText()),
                    Hex.lower(a.path("address").asText()),
                    Hex.big(a.path("nonce").asText()),
                    Hex.big(parity),
                    Hex.big(a.path("r").asText()),
                    Hex.big(a.path("s").asText())));
        }
        JsonNode to = tx.get("to");
        return new Transaction(
                Hex.lower(tx.path("hash").asText()),
                Hex.lower(tx.path("from").asText()),
                to == null || to.isNull() ? null : Hex.lower(to.asText()),
                Hex.big(tx.path("value").asText("0x0")),
                Hex.lower(tx.path("input").asText("0x")),
                (int) Hex.lng(tx.path("type").asText("0x0")),
                List.copyOf(auths));
    }

    static Receipt receipt(JsonNode r) {
        List<Log> logs = new ArrayList<>();
        for (JsonNode l : r.path("logs")) {
            List<String> topics = new ArrayList<>();
            l.path("topics").forEach(t -> topics.add(Hex.lower(t.asText())));
            logs.add(new Log(
                    Hex.lower(l.path("address").asText()),
                    List.copyOf(topics),
                    Hex.lower(l.path("data").asText("0x")),
                    (int) Hex.lng(l.path("logIndex").asText()),
                    Hex.lower(l.path("transactionHash").asText())));
        }
        JsonNode created = r.get("contractAddress");
        return new Receipt(
                Hex.lower(r.path("transactionHash").asText()),
                Hex.lng(r.path("status").asText("0x1")) == 1,
                created == null || created.isNull() ? null : Hex.lower(created.asText()),
                List.copyOf(logs));
    }

    /** A callTracer frame tree. */
    static Frame frame(JsonNode f) {
        List<Frame> calls = new ArrayList<>();
        for (JsonNode c : f.path("calls")) {
            calls.add(frame(c));
        }
        JsonNode to = f.get("to");
        return new Frame(
                f.path("type").asText("CALL").toUpperCase(java.util.Locale.ROOT),
                Hex.lower(f.path("from").asText()),
                to == null || to.isNull() ? null : Hex.lower(to.asText()),
                Hex.big(f.path("value").asText("0x0")),
                Hex.lower(f.path("input").asText("0x")),
                f.hasNonNull("error"),
                List.copyOf(calls));
    }

    /**
     * The frame trees of {@code trace_block} (OpenEthereum/Erigon style: a flat list with trace
     * addresses), rebuilt into one root frame per transaction hash.
     */
    static java.util.Map<String, Frame> parityFrames(JsonNode traces) {
        record Flat(List<Integer> address, JsonNode node) {}
        java.util.Map<String, List<Flat>> byTx = new java.util.LinkedHashMap<>();
        for (JsonNode t : traces) {
            if (!t.hasNonNull("transactionHash")) {
                continue; // block rewards
            }
            List<Integer> address = new ArrayList<>();
            t.path("traceAddress").forEach(i -> address.add(i.asInt()));
            byTx.computeIfAbsent(Hex.lower(t.path("transactionHash").asText()), k -> new ArrayList<>())
                    .add(new Flat(address, t));
        }
        java.util.Map<String, Frame> out = new java.util.LinkedHashMap<>();
        byTx.forEach((tx, flats) -> out.put(
                tx,
                parityTree(
                        flats.stream()
                                .map(f -> java.util.Map.entry(f.address(), f.node()))
                                .toList(),
                        List.of())));
        return out;
    }

    private static Frame parityTree(List<java.util.Map.Entry<List<Integer>, JsonNode>> flats, List<Integer> at) {
        JsonNode self = flats.stream()
                .filter(e -> e.getKey().equals(at))
                .findFirst()
                .orElseThrow()
                .getValue();
        List<Frame> calls = new ArrayList<>();
        for (int i = 0; ; i++) {
            List<Integer> child = new ArrayList<>(at);
            child.add(i);
            if (flats.stream().noneMatch(e -> e.getKey().equals(child))) {
                break;
            }
            calls.add(parityTree(flats, child));
        }
        JsonNode action = self.path("action");
        String kind = self.path("type").asText("call");
        String type = switch (kind) {
            case "create" -> "CREATE";
            case "suicide", "selfdestruct" -> "SELFDESTRUCT";
            default -> action.path("callType").asText("call").toUpperCase(java.util.Locale.ROOT);
        };
        String from = kind.equals("suicide") || kind.equals("selfdestruct")
                ? action.path("address").asText()
                : action.path("from").asText();
        String to = switch (kind) {
            case "create" -> self.path("result").path("address").asText(null);
            case "suicide", "selfdestruct" -> action.path("refundAddress").asText();
            default -> action.path("to").asText();
        };
        String value = kind.equals("suicide") || kind.equals("selfdestruct")
                ? action.path("balance").asText("0x0")
                : action.path("value").asText("0x0");
        return new Frame(
                type,
                Hex.lower(from),
                to == null ? null : Hex.lower(to),
                Hex.big(value),
                Hex.lower(action.path("input").asText("0x")),
                self.hasNonNull("error"),
                List.copyOf(calls));
    }
}
