package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Enrichment against a node that has pruned the state of older blocks (not an archive node). */
class EnricherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOCK = "0x" + "b".repeat(64);
    private static final String PARENT = "0x" + "a".repeat(64);
    private static final String WALLET = "0x" + "1".repeat(40);
    private static final String DESTINATION = "0x" + "2".repeat(40);
    private static final String TOKEN = "0x" + "c".repeat(40);
    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Answers reads at the parent with the error a pruned node gives, reads at the block with 0x10. */
    private JsonRpcClient prunedNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode call : JSON.readTree(exchange.getRequestBody())) {
                ObjectNode answer = out.addObject()
                        .put("jsonrpc", "2.0")
                        .put("id", call.get("id").asLong());
                JsonNode params = call.get("params");
                String at = params.get(params.size() - 1).path("blockHash").asText();
                if (at.equals(PARENT)) {
                    answer.putObject("error").put("code", -32000).put("message", "missing trie node abc (path )");
                } else {
                    answer.put("result", "0x10");
                }
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

    private static TransferEvent transfer(String asset, TransferKind kind, String suffix) {
        return TransferEvent.newBuilder()
                .setChainId(1)
                .setFrom(WALLET)
                .setTo(DESTINATION)
                .setKind(kind)
                .setAsset(asset)
                .setAmount(BigDecimal.ONE)
                .setTokenId(null)
                .setEventId("1:" + BLOCK + ":0xt:" + suffix)
                .setTxHash("0xt")
                .setBlockNumber(10)
                .setBlockHash(BLOCK)
                .setBlockTime(Instant.EPOCH)
                .setLogIndex(null)
                .setTraceAddress(null)
                .setRemoved(false)
                .setTxFrom(WALLET)
                .setDecimals(null)
                .build();
    }

    private static double failures(IngestMetrics metrics, String read) {
        return metrics.registry()
                .get("drainwatch.ingest.state.read.failures")
                .tag("chain", "1")
                .tag("read", read)
                .counter()
                .count();
    }

    @Test
    void balanceAndFreshnessReadsTheNodeCannotAnswerAreCountedByRead() throws IOException {
        IngestMetrics metrics = IngestMetrics.discarding(1);
        Enricher enricher = new Enricher(prunedNode(), 1, metrics);
        BlockHead head = BlockHead.newBuilder()
                .setChainId(1)
                .setNumber(10)
                .setHash(BLOCK)
                .setParentHash(PARENT)
                .setTime(Instant.EPOCH)
                .setFinalizedNumber(null)
                .setRemoved(false)
                .build();
        BlockEvents block = new BlockEvents(
                head,
                List.of(
                        transfer(Addresses.NATIVE, TransferKind.NATIVE, "call"),
                        transfer(TOKEN, TransferKind.ERC20, "0")),
                List.of(),
                List.of(),
                List.of());

        BlockEvents enriched = enricher.enrich(List.of(block), Set.of(WALLET)).get(0);

        // what the node could answer is still there; what it could not is null, and counted
        assertThat(enriched.transfers()).allSatisfy(t -> {
            assertThat(t.getSenderBalanceBefore()).isNull();
            assertThat(t.getSenderBalanceAfter()).isEqualByComparingTo("16");
            assertThat(t.getRecipientFresh()).isNull();
        });
        assertThat(enriched.balances()).hasSize(2);
        assertThat(failures(metrics, "balance")).isEqualTo(1);
        assertThat(failures(metrics, "token_balance")).isEqualTo(1);
        assertThat(failures(metrics, "nonce")).isEqualTo(1);
        assertThat(failures(metrics, "code")).isEqualTo(1);
    }
}
