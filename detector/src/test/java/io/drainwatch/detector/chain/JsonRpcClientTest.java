package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch client against a scripted HTTP server: id matching, retries, failover, metrics. */
class JsonRpcClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A server whose handler maps the request body and the request count to (status, body). */
    private RpcUrl serve(String path, Function<JsonNode, Object[]> handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // a handler may sleep past the client's timeout: it must not hold up the next request
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-node");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            Object[] answer = handler.apply(request);
            byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders((Integer) answer[0], body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException e) {
                // the client gave up waiting
            }
            exchange.close();
        });
        server.start();
        servers.add(server);
        return new RpcUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    }

    private static JsonRpcClient client(IngestMetrics metrics, RpcUrl... urls) {
        return new JsonRpcClient(
                List.of(urls),
                new JsonRpcClient.Settings(Duration.ofSeconds(2), 4, Duration.ofMillis(1), 3, 0),
                metrics);
    }

    private static double errors(IngestMetrics metrics, String kind) {
        return metrics.registry()
                .get("drainwatch.rpc.errors")
                .tag("kind", kind)
                .counter()
                .count();
    }

    private static List<RpcCall> calls(int n) {
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(RpcCall.of("m", Integer.toString(i)));
        }
        return calls;
    }

    /** Answers every call with its own method name, in reverse order. */
    private static String echoReversed(JsonNode request) {
        ArrayNode out = JSON.createArrayNode();
        List<JsonNode> calls = new ArrayList<>();
        request.forEach(calls::add);
        Collections.reverse(calls);
        for (JsonNode c : calls) {
            out.addObject().put("jsonrpc", "2.0").set("id", c.get("id"));
            ((com.fasterxml.jackson.databind.node.ObjectNode) out.get(out.size() - 1))
                    .put(
                            "result",
                            c.get("method").asText() + c.get("params").get(0).asText());
        }
        return out.toString();
    }

    @Test
    void answersAreMatchedByIdNotByPositionAcrossChunks() throws IOException {
        RpcUrl url = serve("/", r -> new Object[] {200, echoReversed(r)});
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            calls.add(RpcCall.of("m", Integer.toString(i)));
        }
        List<JsonNode> results = client(IngestMetrics.discarding(1), url).batchStrict(calls);
        assertThat(results).extracting(JsonNode::asText).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
    }

    @Test
    void retriesOn429And5xxThenSucceedsAndCountsEachKind() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        RpcUrl url = serve("/v2/SECRET", r -> switch (requests.incrementAndGet()) {
            case 1 -> new Object[] {429, ""};
            case 2 -> new Object[] {503, ""};
            default -> new Object[] {200, echoReversed(r)};
        });
        IngestMetrics metrics = IngestMetrics.discarding(1);
        assertThat(client(metrics, url).call("eth_chainId", "x").asText()).isEqualTo("eth_chainIdx");
        assertThat(metrics.registry()
                        .get("drainwatch.rpc.errors")
                        .tag("kind", "http_429")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(metrics.registry()
                        .get("drainwatch.rpc.errors")
                        .tag("kind", "http_5xx")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(metrics.registry()
                        .get("drainwatch.rpc.request")
                        .tag("method", "eth_chainId")
                        .tag("outcome", "ok")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void failsOverToTheNextEndpointAndNeverPutsTheKeyInAnError() throws IOException {
        RpcUrl broken = serve("/v2/SECRET", r -> new Object[] {500, ""});
        RpcUrl healthy = serve("/", r -> new Object[] {200, echoReversed(r)});
        assertThat(client(IngestMetrics.discarding(1), broken, healthy)
                        .call("eth_blockNumber", "y")
                        .asText())
                .isEqualTo("eth_blockNumbery");
        assertThatThrownBy(() -> client(IngestMetrics.discarding(1), broken).call("eth_blockNumber", "y"))
                .isInstanceOf(RpcException.class)
                .hasMessageNotContaining("SECRET")
                .satisfies(e -> assertThat(((RpcException) e).kind()).isEqualTo(RpcErrorKind.HTTP_5XX));
    }

    @Test
    void aCallErrorIsReportedForThatCallOnly() throws IOException {
        RpcUrl url = serve("/", r -> {
            ArrayNode out = JSON.createArrayNode();
            out.addObject()
                    .put("jsonrpc", "2.0")
                    .put("id", r.get(1).get("id").asLong())
                    .putObject("error")
                    .put("code", -32000)
                    .put("message", "execution reverted");
            out.addObject()
                    .put("jsonrpc", "2.0")
                    .put("id", r.get(0).get("id").asLong())
                    .put("result", "0x1");
            return new Object[] {200, out.toString()};
        });
        List<RpcResult> results =
                client(IngestMetrics.discarding(1), url).batch(List.of(RpcCall.of("a"), RpcCall.of("b")));
        assertThat(results.get(0).ok()).isTrue();
        assertThat(results.get(0).result().asText()).isEqualTo("0x1");
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).error()).contains("execution reverted");
    }

    @Test
    void aBatchThatTimesOutIsSplitUntilItGoesThroughAndLaterBatchesAreSentAtTheSizeThatWorked() throws IOException {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        RpcUrl url = serve("/", r -> {
            sizes.add(r.size());
            if (r.size() > 4) {
                // heavy (twenty blocks of call traces): the node needs longer than the client waits
                java.util.concurrent.locks.LockSupport.parkNanos(
                        Duration.ofSeconds(2).toNanos());
            }
            return new Object[] {200, echoReversed(r)};
        });
        IngestMetrics metrics = IngestMetrics.discarding(1);
        JsonRpcClient rpc = new JsonRpcClient(
                List.of(url),
                new JsonRpcClient.Settings(Duration.ofMillis(300), 2, Duration.ofMillis(1), 100, 0),
                metrics);

        List<JsonNode> first = rpc.batchStrict(calls(20));
        double timeouts = errors(metrics, "timeout");
        sizes.clear();
        List<JsonNode> second = rpc.batchStrict(calls(20));

        List<String> expected =
                calls(20).stream().map(c -> "m" + c.params().get(0)).toList();
        assertThat(first).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
        assertThat(second).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
        assertThat(timeouts).isGreaterThanOrEqualTo(1);
        assertThat(errors(metrics, "timeout")).isEqualTo(timeouts);
        assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4));
    }

    @Test
    void anEndpointThatRefusesTheKeyOrThePathIsLeftForTheNextAndItsKeyNeverShows() throws IOException {
        for (int status : new int[] {401, 403, 404}) {
            AtomicInteger refusals = new AtomicInteger();
            RpcUrl refusing = serve("/v2/SECRET", r -> {
                refusals.incrementAndGet();
                return new Object[] {status, ""};
            });
            RpcUrl healthy = serve("/", r -> new Object[] {200, echoReversed(r)});
            IngestMetrics metrics = IngestMetrics.discarding(1);
            JsonRpcClient rpc = client(metrics, refusing, healthy);

            assertThat(rpc.call("eth_blockNumber", "z").asText()).isEqualTo("eth_blockNumberz");
            assertThat(rpc.call("eth_blockNumber", "w").asText()).isEqualTo("eth_blockNumberw");
            assertThat(refusals).hasValue(1);
            assertThat(errors(metrics, "http_4xx")).isEqualTo(1);
            assertThatThrownBy(() -> client(IngestMetrics.discarding(1), refusing, refusing)
                            .call("eth_blockNumber", "y"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("HTTP " + status)
                    .hasMessageNotContaining("SECRET")
                    .satisfies(e -> assertThat(((RpcException) e).kind()).isEqualTo(RpcErrorKind.HTTP_4XX));
        }
    }

    @Test
    void aMethodThePrimaryLacksIsAskedOfTheNextEndpointAndWhenNoneHasItTheCallErrorIsTheAnswer() throws IOException {
        RpcUrl lacking = serve("/", r -> {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode c : r) {
                out.addObject()
                        .put("jsonrpc", "2.0")
                        .put("id", c.get("id").asLong())
                        .putObject("error")
                        .put("code", -32601)
                        .put("message", "the method debug_traceBlockByHash does not exist/is not available");
            }
            return new Object[] {200, out.toString()};
        });
        RpcUrl full = serve("/", r -> new Object[] {200, echoReversed(r)});
        IngestMetrics metrics = IngestMetrics.discarding(1);

        assertThat(client(metrics, lacking, full)
                        .call("debug_traceBlockByHash", "h")
                        .asText())
                .isEqualTo("debug_traceBlockByHashh");
        assertThat(errors(metrics, "method_not_found")).isEqualTo(1);
        List<RpcResult> none = client(IngestMetrics.discarding(1), lacking, lacking)
                .batch(List.of(RpcCall.of("debug_traceBlockByHash", "h")));
        assertThat(none).singleElement().satisfies(r -> assertThat(r.error()).startsWith("-32601"));
    }

    @Test
    void aBatchTooLargeForTheEndpointIsSplit() throws IOException {
        RpcUrl url = serve("/", r -> r.size() > 2 ? new Object[] {413, ""} : new Object[] {200, echoReversed(r)});
        IngestMetrics metrics = IngestMetrics.discarding(1);
        JsonRpcClient rpc = new JsonRpcClient(
                List.of(url),
                new JsonRpcClient.Settings(Duration.ofSeconds(2), 2, Duration.ofMillis(1), 100, 0),
                metrics);
        assertThat(rpc.batchStrict(calls(7)))
                .extracting(JsonNode::asText)
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(errors(metrics, "http_413")).isGreaterThanOrEqualTo(1);
    }
}
