package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fetcher against scripted nodes: receipts per transaction, traces that fail. */
class BlockFetcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOCK = "0x" + "b".repeat(64);
    private static final String TX = "0x" + "1".repeat(64);
    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fallsBackToOneReceiptPerTransactionWhenBlockReceiptsDoNotExist() throws IOException {
        List<String> methods = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode call : JSON.readTree(exchange.getRequestBody())) {
                methods.add(call.get("method").asText());
                ObjectNode answer = out.addObject()
                        .put("jsonrpc", "2.0")
                        .put("id", call.get("id").asLong());
                if (call.get("method").asText().equals("eth_getBlockReceipts")) {
                    answer.putObject("error")
                            .put("code", -32601)
                            .put("message", "the method eth_getBlockReceipts does not exist/is not available");
                } else {
                    answer.putObject("result")
                            .put("transactionHash", TX)
                            .put("blockHash", BLOCK)
                            .put("status", "0x1")
                            .putArray("logs");
                }
            }
            byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        JsonRpcClient rpc = new JsonRpcClient(
                List.of(new RpcUrl(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))),
                new JsonRpcClient.Settings(Duration.ofSeconds(2), 1, Duration.ofMillis(1), 100, 0),
                IngestMetrics.discarding(1));
        BlockFetcher fetcher = new BlockFetcher(rpc, TraceMode.NONE);
        NodeData.Block block = new NodeData.Block(
                5,
                BLOCK,
                "0x" + "a".repeat(64),
                1L,
                List.of(new NodeData.Transaction(
                        TX, "0x" + "2".repeat(40), "0x" + "3".repeat(40), BigInteger.ONE, "0x", 2, List.of())));

        List<FetchedBlock> first = fetcher.details(List.of(block));
        List<FetchedBlock> second = fetcher.details(List.of(block));

        assertThat(first.get(0).receipts()).containsOnlyKeys(TX);
        assertThat(first.get(0).receipts().get(TX).success()).isTrue();
        assertThat(second.get(0).receipts()).containsOnlyKeys(TX);
        assertThat(methods)
                .containsExactly("eth_getBlockReceipts", "eth_getTransactionReceipt", "eth_getTransactionReceipt");
    }

    /** A node whose answer to each call is written by {@code answer} (method, answer object with id). */
    private JsonRpcClient node(BiConsumer<JsonNode, ObjectNode> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode call : JSON.readTree(exchange.getRequestBody())) {
                answer.accept(
                        call,
                        out.addObject()
                                .put("jsonrpc", "2.0")
                                .put("id", call.get("id").asLong()));
            }
            byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new JsonRpcClient(
                List.of(new RpcUrl(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))),
                new JsonRpcClient.Settings(Duration.ofSeconds(2), 1, Duration.ofMillis(1), 100, 0),
                IngestMetrics.discarding(1));
    }

    private static NodeData.Block oneTransactionBlock() {
        return new NodeData.Block(
                5,
                BLOCK,
                "0x" + "a".repeat(64),
                1L,
                List.of(new NodeData.Transaction(
                        TX, "0x" + "2".repeat(40), "0x" + "3".repeat(40), BigInteger.ONE, "0x", 2, List.of())));
    }

    private static void receipts(ObjectNode answer) {
        answer.putArray("result")
                .addObject()
                .put("transactionHash", TX)
                .put("blockHash", BLOCK)
                .put("status", "0x1")
                .putArray("logs");
    }

    @Test
    void aTransactionWhoseTraceFailedFailsTheStepInsteadOfLosingItsInternalTransfers() throws IOException {
        BlockFetcher fetcher = new BlockFetcher(
                node((call, answer) -> {
                    if (call.get("method").asText().equals("eth_getBlockReceipts")) {
                        receipts(answer);
                    } else {
                        answer.putArray("result").addObject().put("txHash", TX).put("error", "execution timeout");
                    }
                }),
                TraceMode.DEBUG);

        assertThatThrownBy(() -> fetcher.details(List.of(oneTransactionBlock())))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining(TX)
                .hasMessageContaining("execution timeout");
    }

    @Test
    void aBlockTraceWithoutEveryTransactionFailsTheStep() throws IOException {
        BlockFetcher fetcher = new BlockFetcher(
                node((call, answer) -> {
                    if (call.get("method").asText().equals("eth_getBlockReceipts")) {
                        receipts(answer);
                    } else {
                        answer.putArray("result");
                    }
                }),
                TraceMode.DEBUG);

        assertThatThrownBy(() -> fetcher.details(List.of(oneTransactionBlock())))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining(TX);
    }
}
