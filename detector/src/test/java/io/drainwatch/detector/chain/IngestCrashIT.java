package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.cli.Drainwatch;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;

/**
 * The ingestor as an operator runs it (its own JVM, {@code drainwatch ingest}), killed with SIGKILL at
 * random points and restarted, while anvil is also stopped and restarted: the topic ends with exactly
 * the expected events, none missing and none twice.
 */
class IngestCrashIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    @Test
    void killsAndNodeRestartsLeaveEveryEventExactlyOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("IngestCrashIT seed=" + seed);
        Random random = new Random(seed);
        IngestFixture fx = new IngestFixture(KAFKA, "crash");
        Credentials[] senders = {DevChain.dev(4), DevChain.dev(5), DevChain.dev(6)};
        List<JsonNode> receipts = new ArrayList<>();
        Path logs = Files.createDirectories(Path.of("target", "ingest-crash-it"));
        try (AnvilNode anvil = AnvilNode.start();
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            Process ingestor = launch(fx, anvil, logs.resolve("ingest-0.log"));
            try {
                for (int round = 1; round <= 4; round++) {
                    int killAfter = random.nextInt(12);
                    for (int i = 0; i < 12; i++) {
                        Credentials from = senders[random.nextInt(senders.length)];
                        receipts.add(chain.transferEth(
                                from,
                                DevChain.address(DevChain.dev(7 + random.nextInt(3))),
                                BigInteger.valueOf(1 + receipts.size())));
                        if (i == killAfter) {
                            // kill only a working ingestor: it has written since it was (re)started
                            int written = heads.values().size();
                            String top = chain.blockHashOf(receipts.get(receipts.size() - 1));
                            await("ingestor writing")
                                    .atMost(Duration.ofSeconds(60))
                                    .until(() -> heads.values().size() > written
                                            || heads.values().stream()
                                                    .anyMatch(h -> h.getHash().equals(top)));
                            for (int extra = random.nextInt(4); extra > 0; extra--) {
                                receipts.add(chain.transferEth(
                                        from,
                                        DevChain.address(DevChain.dev(8)),
                                        BigInteger.valueOf(1 + receipts.size())));
                            }
                            ingestor.destroyForcibly().waitFor();
                            ingestor = launch(fx, anvil, logs.resolve("ingest-" + round + ".log"));
                        }
                    }
                    if (round == 2) {
                        String top = chain.blockHashOf(receipts.get(receipts.size() - 1));
                        await("ingestor running before the node stops")
                                .atMost(Duration.ofSeconds(60))
                                .until(() -> heads.values().stream()
                                        .anyMatch(h -> h.getHash().equals(top)));
                        anvil.stop(); // the ingestor keeps retrying; anvil comes back with the same chain (state file)
                        anvil.startProcess();
                        chain.resetNonces();
                    }
                }
                String last = Hex.lower(anvil.call("eth_getBlockByNumber", "latest", false)
                        .get("hash")
                        .asText());
                await("ingestor caught up with the node")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> heads.values().stream()
                                .anyMatch(h -> h.getHash().equals(last)));
            } finally {
                ingestor.destroyForcibly().waitFor();
            }

            Set<String> expected = receipts.stream()
                    .map(r -> AnvilNode.CHAIN_ID + ":"
                            + Hex.lower(r.get("blockHash").asText()) + ":"
                            + Hex.lower(r.get("transactionHash").asText()) + ":call")
                    .collect(Collectors.toSet());
            List<TransferEvent> all = transfers.values();
            assertThat(all).noneMatch(TransferEvent::getRemoved);
            assertThat(all)
                    .extracting(TransferEvent::getEventId)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(Files.readString(logs.resolve("ingest-0.log")))
                    .contains("event=rpc_retry")
                    .contains("http://127.0.0.1:")
                    .doesNotContain("KEY");
            List<BlockHead> hs = heads.values();
            assertThat(hs).extracting(BlockHead::getHash).doesNotHaveDuplicates();
            assertThat(hs)
                    .extracting(BlockHead::getNumber)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(
                                    0, hs.get(hs.size() - 1).getNumber())
                            .boxed()
                            .toList());
        }
    }

    private static int deadPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort(); // closed again: nothing listens there
        }
    }

    private static Process launch(IngestFixture fx, AnvilNode anvil, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), Drainwatch.class.getName()));
        cmd.addAll(IngestArgs.of(fx.kafka.bootstrapServers(), fx.progressTopic, fx.topics));
        cmd.addAll(List.of("--metrics-port", "0"));
        ProcessBuilder process = new ProcessBuilder(cmd);
        // Variables of the test tools (DW_TOOL_ANVIL, ...) are not settings: ingest stops on them.
        process.environment().keySet().removeIf(name -> name.startsWith("DRAINWATCH_"));
        // The endpoints come from the environment, as in the Kubernetes manifests, which keeps the API
        // key off the command line. The first endpoint is dead: every start fails over to anvil.
        process.environment()
                .put(
                        "DRAINWATCH_RPC_URLS",
                        "http://127.0.0.1:" + deadPort() + "/v2/KEY,"
                                + anvil.httpUrl().uri());
        process.environment().put("DRAINWATCH_WS_URL", anvil.wsUrl().uri().toString());
        return process.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
