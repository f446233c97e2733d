package io.drainwatch.detector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.chain.IngestMetrics;
import io.drainwatch.detector.chain.JsonRpcClient;
import io.drainwatch.detector.chain.RpcCall;
import io.drainwatch.detector.chain.RpcException;
import io.drainwatch.detector.chain.RpcResult;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.embedded.TopicCheck.Finding;
import io.drainwatch.detector.embedded.TopicCheck.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code drainwatch check} asks a JSON-RPC node before ingest relies on it: its chain id, its head,
 * and whether it serves the calls the ingestor makes per block ({@code eth_getBlockReceipts}, and the
 * traces of the chosen mode). Each URL is asked alone, so a failover URL that is broken shows too; a
 * URL appears only in its redacted form.
 */
final class NodeCheck {
    private static final Map<String, Object> CALL_TRACER = Map.of("tracer", "callTracer");

    private final Duration timeout;

    NodeCheck(Duration timeout) {
        this.timeout = timeout;
    }

    /** The findings for every node, in order. */
    List<Finding> check(List<RpcUrl> urls, @Nullable Long chainId, TraceMode mode) {
        List<Finding> findings = new ArrayList<>();
        for (RpcUrl url : urls) {
            findings.addAll(check(url, chainId, mode));
        }
        return findings;
    }

    private List<Finding> check(RpcUrl url, @Nullable Long chainId, TraceMode mode) {
        String node = "node " + url.redacted();
        JsonRpcClient rpc = new JsonRpcClient(
                List.of(url),
                new JsonRpcClient.Settings(timeout, 1, Duration.ofMillis(100), 10, 0),
                IngestMetrics.discarding(chainId == null ? 0 : chainId));
        List<Finding> findings = new ArrayList<>();
        long reported;
        JsonNode head;
        try {
            reported = quantity(rpc.call("eth_chainId").asText());
            head = rpc.call("eth_getBlockByNumber", "latest", false);
        } catch (RpcException e) {
            findings.add(new Finding(Level.FAIL, node + " did not answer eth_chainId: " + e.kind()));
            return findings;
        }
        long number = quantity(head.path("number").asText("0x0"));
        if (chainId != null && reported != chainId) {
            findings.add(new Finding(
                    Level.FAIL, node + ": chain id " + reported + ", but ingest is set for chain " + chainId));
        } else {
            findings.add(new Finding(Level.OK, node + ": chain id " + reported + ", head block " + number));
        }
        String hash = head.path("hash").asText();
        boolean receipts = served(rpc, RpcCall.of("eth_getBlockReceipts", hash));
        boolean debug = served(rpc, RpcCall.of("debug_traceBlockByHash", hash, CALL_TRACER));
        boolean parity = served(rpc, RpcCall.of("trace_block", "0x" + Long.toHexString(number)));
        findings.add(
                receipts
                        ? new Finding(Level.OK, node + ": serves eth_getBlockReceipts")
                        : new Finding(
                                Level.WARN,
                                node + ": no eth_getBlockReceipts; ingest reads receipts one transaction at a time"
                                        + " (one call per transaction)"));
        String served = (debug ? "debug_traceBlockByHash" : "")
                + (debug && parity ? " and " : "")
                + (parity ? "trace_block" : "");
        boolean ok = switch (mode) {
            case DEBUG -> debug;
            case PARITY -> parity;
            case NONE -> true;
        };
        String chosen = mode.name().toLowerCase(Locale.ROOT);
        if (mode == TraceMode.NONE) {
            findings.add(new Finding(
                    Level.WARN,
                    node + ": traces off (--trace none): internal transfers (contract wallets, sweeper contracts)"
                            + " are not seen" + (served.isEmpty() ? "" : "; the node serves " + served)));
        } else if (ok) {
            findings.add(new Finding(Level.OK, node + ": serves " + served + " (--trace " + chosen + ")"));
        } else {
            String other = debug ? "debug" : parity ? "parity" : "none";
            findings.add(new Finding(
                    Level.FAIL,
                    node + ": does not serve the traces of --trace " + chosen + "; run ingest with --trace " + other
                            + (served.isEmpty() ? " (it serves no traces: internal transfers are not seen)" : "")));
        }
        return findings;
    }

    private static long quantity(String hex) {
        try {
            return Long.parseLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
        } catch (NumberFormatException e) {
            throw new RpcException(io.drainwatch.detector.chain.RpcErrorKind.RPC_ERROR, "not a quantity: " + hex);
        }
    }

    /** Whether the node answers {@code call} with a result: one call at a time, so one refusal stays its own. */
    private static boolean served(JsonRpcClient rpc, RpcCall call) {
        try {
            RpcResult answer = rpc.batch(List.of(call)).getFirst();
            return answer.ok() && !answer.result().isNull();
        } catch (RpcException e) {
            return false;
        }
    }
}
