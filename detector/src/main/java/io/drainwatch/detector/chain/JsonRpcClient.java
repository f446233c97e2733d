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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC over HTTP with batches matched by id (nodes may answer a batch in any order), retries with
 * exponential backoff on timeouts, HTTP 429, 5xx and connection failures, failover across several
 * endpoints (also away from one that refuses the request: HTTP 401, 403, 404, 413, a method it lacks),
 * batches split when they time out or are too large, and a request rate limit.
 */
public final class JsonRpcClient {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PREFERRED_RETRY_NANOS = Duration.ofMinutes(1).toNanos();
    /** How long a batch size learned from timeouts holds before a batch twice as large is tried. */
    private static final long LIMIT_PROBE_NANOS = Duration.ofMinutes(10).toNanos();
    /** JSON-RPC "method not found". */
    private static final int METHOD_NOT_FOUND = -32601;

    private final List<RpcUrl> endpoints;
    private final HttpClient http;
    private final Settings settings;
    private final RateLimiter limiter;
    private final IngestMetrics metrics;
    private final AtomicInteger current = new AtomicInteger();
    private volatile long failedOverAt;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, BatchLimit> limits = new ConcurrentHashMap<>();

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

    /**
     * Every call's result or error, in the order of {@code calls}, sent in chunks of at most maxBatch (or
     * of the size that last went through for batches of these methods, after a timeout).
     */
    public List<RpcResult> batch(List<RpcCall> calls) {
        List<RpcResult> out = new ArrayList<>(calls.size());
        int chunk = Math.min(settings.maxBatch(), limit(methods(calls)));
        for (int from = 0; from < calls.size(); from += chunk) {
            out.addAll(sendWithRetries(calls.subList(from, Math.min(calls.size(), from + chunk))));
        }
        return out;
    }

    private List<RpcResult> sendWithRetries(List<RpcCall> calls) {
        String method = methodLabel(calls);
        RpcException last = null;
        if (current.get() != 0 && System.nanoTime() - failedOverAt > PREFERRED_RETRY_NANOS) {
            current.set(0); // the preferred endpoint may be back: try it again now and then
        }
        // endpoints that cannot serve this request at all (they refuse it, or lack one of its methods)
        Set<Integer> refused = new HashSet<>();
        List<RpcResult> lacking = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            int index = Math.floorMod(current.get(), endpoints.size());
            RpcUrl endpoint = endpoints.get(index);
            long start = System.nanoTime();
            try {
                limiter.acquire(calls.size());
                List<RpcResult> results = send(endpoint, calls);
                metrics.rpc(method, "ok", System.nanoTime() - start);
                if (!lacksMethod(results)) {
                    return results;
                }
                metrics.rpcError(RpcErrorKind.METHOD_NOT_FOUND);
                lacking = results;
                refused.add(index);
                if (!failOver(refused)) {
                    return results; // no endpoint has it: the caller decides (e.g. receipts per transaction)
                }
                logFailover(method, endpoint, RpcErrorKind.METHOD_NOT_FOUND, attempt);
            } catch (RpcException e) {
                metrics.rpc(method, "error", System.nanoTime() - start);
                metrics.rpcError(e.kind());
                last = e;
                if (e.kind().split() && calls.size() > 1) {
                    return split(calls, endpoint, e);
                }
                if (!e.kind().retryable()) {
                    refused.add(index);
                    if (!e.kind().failover() || !failOver(refused)) {
                        throw e;
                    }
                    logFailover(method, endpoint, e.kind(), attempt);
                    continue;
                }
                failOver(refused);
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
        if (last == null && lacking != null) {
            return lacking;
        }
        throw last;
    }

    /** Moves to the next endpoint that has not refused this request; false when there is none. */
    private boolean failOver(Set<Integer> refused) {
        if (endpoints.size() < 2 || refused.size() >= endpoints.size()) {
            return false;
        }
        int from = current.get();
        for (int step = 1; step <= endpoints.size(); step++) {
            if (!refused.contains(Math.floorMod(from + step, endpoints.size()))) {
                current.set(from + step);
                failedOverAt = System.nanoTime();
                return true;
            }
        }
        return false;
    }

    private void logFailover(String method, RpcUrl endpoint, RpcErrorKind kind, int attempt) {
        log.warn(
                "event=rpc_failover method={} endpoint={} kind={} attempt={} next={}",
                method,
                endpoint.redacted(),
                kind.label(),
                attempt,
                endpoints.get(Math.floorMod(current.get(), endpoints.size())).redacted());
    }

    /**
     * Sends the two halves of a batch that timed out or was too large, each with its own retries. When the
     * first half goes through where the whole did not, batches of these methods are sent at that size
     * from now on (a heavy batch, such as many blocks of call traces, fails on every attempt otherwise).
     */
    private List<RpcResult> split(List<RpcCall> calls, RpcUrl endpoint, RpcException cause) {
        int half = calls.size() / 2;
        log.warn(
                "event=rpc_batch_split method={} endpoint={} kind={} calls={} parts={}+{}",
                methodLabel(calls),
                endpoint.redacted(),
                cause.kind().label(),
                calls.size(),
                half,
                calls.size() - half);
        int at = current.get();
        List<RpcResult> out = new ArrayList<>(sendWithRetries(calls.subList(0, half)));
        if (current.get() == at) {
            lowerLimit(methods(calls), half);
        }
        out.addAll(sendWithRetries(calls.subList(half, calls.size())));
        return out;
    }

    /** The largest batch of {@code methods} to send; raised again (doubled) when it was lowered long ago. */
    private int limit(String methods) {
        BatchLimit l = limits.get(methods);
        if (l == null) {
            return Integer.MAX_VALUE;
        }
        long now = System.nanoTime();
        if (now - l.since() > LIMIT_PROBE_NANOS) {
            if (l.size() * 2L >= settings.maxBatch()) {
                limits.remove(methods, l);
                return Integer.MAX_VALUE;
            }
            limits.replace(methods, l, new BatchLimit(l.size() * 2, now));
            return l.size() * 2;
        }
        return l.size();
    }

    private void lowerLimit(String methods, int size) {
        BatchLimit was = limits.get(methods);
        if (was == null || size < was.size()) {
            limits.put(methods, new BatchLimit(size, System.nanoTime()));
            log.warn("event=rpc_batch_limit methods={} calls={}", methods, size);
        }
    }

    /** A batch size learned from timeouts, and since when. */
    private record BatchLimit(int size, long since) {}

    /** The distinct methods of a batch: batches of the same methods weigh alike. */
    private static String methods(List<RpcCall> calls) {
        return calls.stream().map(RpcCall::method).distinct().sorted().collect(Collectors.joining(","));
    }

    private static boolean lacksMethod(List<RpcResult> results) {
        for (RpcResult r : results) {
            if (r.error() != null && r.error().startsWith(METHOD_NOT_FOUND + " ")) {
                return true;
            }
        }
        return false;
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
        if (status == 401 || status == 403 || status == 404) {
            throw new RpcException(RpcErrorKind.HTTP_4XX, "HTTP " + status + " from " + endpoint.redacted());
        }
        if (status == 413) {
            throw new RpcException(RpcErrorKind.HTTP_413, "HTTP 413 from " + endpoint.redacted());
        }
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
