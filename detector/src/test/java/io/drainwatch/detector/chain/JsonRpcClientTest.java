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
        server.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            Object[] answer = handler.apply(request);
            byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((Integer) answer[0], body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
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
}
