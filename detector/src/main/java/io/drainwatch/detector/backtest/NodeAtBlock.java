package io.drainwatch.detector.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drainwatch.detector.chain.RpcUrl;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC endpoint on loopback that shows the node as it stood at the last block of the backtested
 * range: the head ({@code latest} and the other block tags, {@code eth_blockNumber}) is that block, and
 * blocks above it do not exist yet. Every other call goes to the real node unchanged. The ingestor reads
 * the chain through it, so it writes exactly the range and then waits at its end, as at a chain tip.
 */
public final class NodeAtBlock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAtBlock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TAGS = Set.of("latest", "pending", "safe", "finalized");
    /** Methods whose first parameter is a block number or tag. */
    private static final Set<String> BY_NUMBER = Set.of("eth_getBlockByNumber", "trace_block", "eth_getBlockReceipts");

    private final RpcUrl node;
    private final long lastBlock;
    private final Duration timeout;
    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpClient http;

    private NodeAtBlock(RpcUrl node, long lastBlock, Duration timeout) throws IOException {
        this.node = node;
        this.lastBlock = lastBlock;
        this.timeout = timeout;
        this.workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "backtest-node-view");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .executor(workers)
                .build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(workers);
        server.createContext("/", this::handle);
    }

    /** Serves the view of {@code node} at {@code lastBlock} on a free loopback port. */
    public static NodeAtBlock start(RpcUrl node, long lastBlock, Duration timeout) {
        try {
            NodeAtBlock view = new NodeAtBlock(node, lastBlock, timeout);
            view.server.start();
            LOG.info(
                    "event=node_view_started node={} last_block={} url={}",
                    node.redacted(),
                    lastBlock,
                    view.url().redacted());
            return view;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the node view on loopback: " + e.getMessage(), e);
        }
    }

    /** Where the ingestor reads the chain. */
    public RpcUrl url() {
        return new RpcUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request;
            try {
                request = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                reply(exchange, 400, "{\"error\":\"unreadable JSON\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            boolean batch = request.isArray();
            List<JsonNode> calls = new ArrayList<>();
            (batch ? request : JSON.createArrayNode().add(request)).forEach(calls::add);
            @Nullable JsonNode[] answers = new JsonNode[calls.size()];
            ArrayNode forwarded = JSON.createArrayNode();
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                JsonNode local = local(call);
                if (local != null) {
                    answers[i] = local;
                } else {
                    forwarded.add(rewritten(call));
                    positions.add(i);
                }
            }
            if (!forwarded.isEmpty()) {
                HttpResponse<byte[]> upstream = forward(forwarded);
                if (upstream == null) {
                    reply(exchange, 502, "{\"error\":\"node unreachable\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                JsonNode body = upstream.statusCode() == 200 ? parse(upstream.body()) : null;
                if (body == null || !body.isArray()) {
                    // refusals (HTTP errors, a whole-batch error) go back as they came, for the client's retries
                    reply(exchange, upstream.statusCode(), upstream.body());
                    return;
                }
                java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
                body.forEach(item -> byId.put(item.path("id").toString(), item));
                for (int p : positions) {
                    answers[p] = byId.get(calls.get(p).path("id").toString());
                }
            }
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode answer : answers) {
                if (answer != null) {
                    out.add(answer);
                }
            }
            reply(exchange, 200, JSON.writeValueAsBytes(batch ? out : out.isEmpty() ? out : out.get(0)));
        }
    }

    /** The answer given here, or null when the node answers. */
    private @Nullable JsonNode local(JsonNode call) {
        String method = call.path("method").asText();
        if (method.equals("eth_blockNumber")) {
            return result(call, JSON.getNodeFactory().textNode("0x" + Long.toHexString(lastBlock)));
        }
        if (BY_NUMBER.contains(method)) {
            JsonNode first = call.path("params").path(0);
            if (first.isTextual() && !TAGS.contains(first.asText()) && isNumber(first.asText())) {
                long number = Long.parseUnsignedLong(first.asText().substring(2), 16);
                if (number > lastBlock) {
                    return result(call, JSON.getNodeFactory().nullNode());
                }
            }
        }
        return null;
    }

    /** {@code call} with a block tag replaced by the last block of the range. */
    private JsonNode rewritten(JsonNode call) {
        String method = call.path("method").asText();
        JsonNode first = call.path("params").path(0);
        if (BY_NUMBER.contains(method) && first.isTextual() && TAGS.contains(first.asText())) {
            ObjectNode copy = call.deepCopy();
            ((ArrayNode) copy.get("params")).set(0, JSON.getNodeFactory().textNode("0x" + Long.toHexString(lastBlock)));
            return copy;
        }
        return call;
    }

    private static boolean isNumber(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return lower.startsWith("0x")
                && lower.length() > 2
                && lower.length() <= 18
                && lower.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static JsonNode result(JsonNode call, JsonNode result) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("jsonrpc", "2.0");
        answer.set("id", call.path("id"));
        answer.set("result", result);
        return answer;
    }

    private @Nullable HttpResponse<byte[]> forward(ArrayNode calls) throws IOException {
        try {
            HttpRequest request = HttpRequest.newBuilder(node.uri())
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(calls)))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.warn(
                    "event=node_unreachable node={} error={}",
                    node.redacted(),
                    e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static @Nullable JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        http.close();
    }
}
