package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC over HTTP with batches matched by id (nodes may answer a batch in any order), retries with
 * exponential backoff on timeouts, HTTP 429, 5xx and connection failures, failover across several
 * endpoints, and a request rate limit.
 */
public final class JsonRpcClient {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PREFERRED_RETRY_NANOS = Duration.ofMinutes(1).toNanos();

    private final List<RpcUrl> endpoints;
    private final HttpClient http;
    private final Settings settings;
    private final RateLimiter limiter;
    private final IngestMetrics metrics;
    private final AtomicInteger current = new AtomicInteger();
    private volatile long failedOverAt;
    private final AtomicLong ids = new AtomicLong();

    /** How hard the client tries. */
    public record Settings(Duration timeout, int attempts, Duration backoff, int maxBatch, double ratePerSecond) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), 6, Duration.ofMillis(100), 200, 0);
        }
    }

    public JsonRpcClient(List<RpcUrl> endpoints, Settings settings, IngestMetrics metrics) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one RPC endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
        this.metrics = metrics;
        this.limiter = new RateLimiter(settings.ratePerSecond());
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** One call; throws on an RPC error. */
    public JsonNode call(String method, Object... params) {
        RpcResult result = batch(List.of(RpcCall.of(method, params))).get(0);
        if (!result.ok()) {
            throw new RpcException(RpcErrorKind.RPC_ERROR, method + ": " + result.error());
        }
        return result.result();
    }

    /** Every call's result, in the order of {@code calls}; an error of one call fails the whole batch. */
    public List<JsonNode> batchStrict(List<RpcCall> calls) {
        List<RpcResult> results = batch(calls);
        List<JsonNode> nodes = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            RpcResult r = results.get(i);
            if (!r.ok()) {
                throw new RpcException(RpcErrorKind.RPC_ERROR, calls.get(i).method() + ": " + r.error());
            }
            nodes.add(r.result());
        }
        return nodes;
    }

    /** Every call's result or error, in the order of {@code calls}, sent in chunks of at most maxBatch. */
    public List<RpcResult> batch(List<RpcCall> calls) {
        List<RpcResult> out = new ArrayList<>(calls.size());
        for (int from = 0; from < calls.size(); from += settings.maxBatch()) {
            out.addAll(sendWithRetries(calls.subList(from, Math.min(calls.size(), from + settings.maxBatch()))));
        }
        return out;
    }

    private List<RpcResult> sendWithRetries(List<RpcCall> calls) {
        String method = methodLabel(calls);
        RpcException last = null;
        if (current.get() != 0 && System.nanoTime() - failedOverAt > PREFERRED_RETRY_NANOS) {
            current.set(0); // the preferred endpoint may be back: try it again now and then
        }
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            RpcUrl endpoint = endpoints.get(Math.floorMod(current.get(), endpoints.size()));
            long start = System.nanoTime();
            try {
                limiter.acquire(calls.size());
                List<RpcResult> results = send(endpoint, calls);
                metrics.rpc(method, "ok", System.nanoTime() - start);
                return results;
            } catch (RpcException e) {
                metrics.rpc(method, "error", System.nanoTime() - start);
                metrics.rpcError(e.kind());
                last = e;
                if (!e.kind().retryable()) {
                    throw e;
                }
                if (endpoints.size() > 1) {
                    current.incrementAndGet();
                    failedOverAt = System.nanoTime();
                }
                long base = settings.backoff().toMillis() << Math.min(attempt - 1, 6);
                long sleep = Math.min(5_000, base) + ThreadLocalRandom.current().nextLong(Math.max(1, base / 4));
                log.warn(
                        "event=rpc_retry method={} endpoint={} kind={} attempt={} backoff_ms={} reason=\"{}\"",
                        method,
                        endpoint.redacted(),
                        e.kind().label(),
                        attempt,
                        sleep,
                        e.getMessage());
                LockSupport.parkNanos(Duration.ofMillis(sleep).toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        }
        throw last;
    }

    private List<RpcResult> send(RpcUrl endpoint, List<RpcCall> calls) {
        ArrayNode body = JSON.createArrayNode();
        long firstId = ids.getAndAdd(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode request = body.addObject();
            request.put("jsonrpc", "2.0");
            request.put("id", firstId + i);
            request.put("method", calls.get(i).method());
            request.set("params", JSON.valueToTree(calls.get(i).params()));
        }
        HttpResponse<byte[]> response;
        try {
            byte[] payload = JSON.writeValueAsBytes(body);
            HttpRequest request = HttpRequest.newBuilder(endpoint.uri())
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new RpcException(
                    RpcErrorKind.TIMEOUT,
                    "timed out after " + settings.timeout().toMillis() + " ms at " + endpoint.redacted());
        } catch (IOException e) {
            throw new RpcException(RpcErrorKind.IO, e.getClass().getSimpleName() + " at " + endpoint.redacted());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcErrorKind.IO, "interrupted");
        }
        int status = response.statusCode();
        if (status == 429) {
            throw new RpcException(RpcErrorKind.HTTP_429, "HTTP 429 from " + endpoint.redacted());
        }
        if (status >= 500) {
            throw new RpcException(RpcErrorKind.HTTP_5XX, "HTTP " + status + " from " + endpoint.redacted());
        }
        if (status != 200) {
            throw new RpcException(RpcErrorKind.RPC_ERROR, "HTTP " + status + " from " + endpoint.redacted());
        }
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RpcException(RpcErrorKind.IO, "unreadable JSON-RPC answer from " + endpoint.redacted());
        }
        if (root.isObject() && root.has("error")) {
            // a whole-batch error (batch too large, rate limited): retry, perhaps elsewhere
            throw new RpcException(
                    rateLimited(root.get("error")) ? RpcErrorKind.HTTP_429 : RpcErrorKind.IO,
                    "batch refused: " + root.get("error").path("message").asText());
        }
        Map<Long, JsonNode> byId = new HashMap<>();
        for (JsonNode item : root.isArray() ? root : JSON.createArrayNode().add(root)) {
            byId.put(item.path("id").asLong(-1), item);
        }
        List<RpcResult> results = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            JsonNode item = byId.get(firstId + i);
            if (item == null) {
                throw new RpcException(
                        RpcErrorKind.IO, "answer without id " + (firstId + i) + " from " + endpoint.redacted());
            }
            JsonNode error = item.get("error");
            if (error != null && !error.isNull()) {
                if (rateLimited(error)) {
                    throw new RpcException(RpcErrorKind.HTTP_429, "rate limited by " + endpoint.redacted());
                }
                results.add(new RpcResult(
                        NullNode.getInstance(),
                        error.path("code").asInt() + " " + error.path("message").asText()));
            } else {
                results.add(new RpcResult(item.path("result"), null));
            }
        }
        return results;
    }

    private static boolean rateLimited(JsonNode error) {
        int code = error.path("code").asInt();
        return code == 429 || code == -32005;
    }

    private static String methodLabel(List<RpcCall> calls) {
        String first = calls.get(0).method();
        for (RpcCall call : calls) {
            if (!call.method().equals(first)) {
                return "batch";
            }
        }
        return first;
    }
}
