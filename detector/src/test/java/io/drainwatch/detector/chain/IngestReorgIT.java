package io.drainwatch.detector.chain;

import static io.drainwatch.detector.chain.DevChain.addr;
import static io.drainwatch.detector.chain.DevChain.call;
import static io.drainwatch.detector.chain.DevChain.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;

/** A reorganisation retracts exactly the orphaned events (removed=true), then the new branch follows. */
class IngestReorgIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    @Test
    void revertToSnapshotRetractsTheOrphanedBlocksThenWritesTheNewBranch() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "reorg-snapshot");
        Credentials dev0 = DevChain.dev(0);
        Credentials dev1 = DevChain.dev(1);
        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest = fx.start(fx.config(anvil, 0L, true));
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            String token = chain.deploy(dev0, "Token", uint(1_000_000));
            JsonNode kept = chain.transferEth(dev0, DevChain.address(dev1), BigInteger.valueOf(1_000));
            String snapshot = anvil.call("evm_snapshot").asText();
            JsonNode orphanA = chain.transferEth(dev0, DevChain.address(dev1), BigInteger.valueOf(2_000));
            JsonNode orphanB = chain.sendAndWait(
                    dev0, token, BigInteger.ZERO, call("transfer", addr(DevChain.address(dev1)), uint(5)), 100_000);
            String orphanHead = chain.blockHashOf(orphanB);
            await("orphan-to-be written")
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(orphanHead)));
            Set<String> orphanIds = transfers.values().stream()
                    .filter(t -> t.getBlockHash().equals(chain.blockHashOf(orphanA))
                            || t.getBlockHash().equals(orphanHead))
                    .map(TransferEvent::getEventId)
                    .collect(Collectors.toSet());
            assertThat(orphanIds).hasSize(2);

            assertThat(anvil.call("evm_revert", snapshot).asBoolean()).isTrue();
            chain.resetNonces();
            List<JsonNode> branch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                branch.add(chain.transferEth(dev0, DevChain.address(dev1), BigInteger.valueOf(3_000 + i)));
            }
            String newHead = chain.blockHashOf(branch.get(2));
            await("new branch written")
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(newHead)));

            List<TransferEvent> all = transfers.values();
            assertThat(all)
                    .filteredOn(TransferEvent::getRemoved)
                    .extracting(TransferEvent::getEventId)
                    .containsExactlyInAnyOrderElementsOf(orphanIds);
            List<TransferEvent> live = all.stream().filter(t -> !t.getRemoved()).toList();
            assertThat(live).extracting(TransferEvent::getEventId).doesNotHaveDuplicates();
            Set<String> branchTx =
                    branch.stream().map(r -> r.get("transactionHash").asText()).collect(Collectors.toSet());
            assertThat(live).filteredOn(t -> branchTx.contains(t.getTxHash())).hasSize(3);
            assertThat(live)
                    .anyMatch(t ->
                            t.getTxHash().equals(kept.get("transactionHash").asText()));

            // heads (one partition): the orphans retracted newest first, then the new branch in order
            List<BlockHead> hs = heads.values();
            int firstRemoved = indexOf(hs, h -> h.getRemoved());
            assertThat(hs.subList(firstRemoved, hs.size()))
                    .extracting(BlockHead::getNumber, BlockHead::getRemoved)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(4L, true),
                            org.assertj.core.groups.Tuple.tuple(3L, true),
                            org.assertj.core.groups.Tuple.tuple(3L, false),
                            org.assertj.core.groups.Tuple.tuple(4L, false),
                            org.assertj.core.groups.Tuple.tuple(5L, false));
            assertThat(hs.get(firstRemoved + 2).getParentHash()).isEqualTo(chain.blockHashOf(kept));
            assertThat(ingest.metrics()
                            .registry()
                            .get("drainwatch.ingest.reorgs")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(ingest.metrics()
                            .registry()
                            .get("drainwatch.ingest.reorg.depth")
                            .summary()
                            .max())
                    .isEqualTo(2.0);
            assertThat(ingest.metrics()
                            .registry()
                            .get("drainwatch.ingest.deep.reorgs")
                            .counter()
                            .count())
                    .isZero();
        }
    }

    @Test
    void anvilReorgAtTheSameHeightIsNoticedByPollingAndRetractedAndBelowFinalityCountsAsDeep() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "reorg-anvil");
        Credentials dev0 = DevChain.dev(0);
        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest =
                        fx.start(fx.config(anvil, 0L, false, 1)); // blocks 1 below the head are final
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            List<JsonNode> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(chain.transferEth(dev0, DevChain.address(DevChain.dev(3)), BigInteger.valueOf(10 + i)));
            }
            String top = chain.blockHashOf(sent.get(3));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(top)));

            anvil.call(
                    "anvil_reorg",
                    2,
                    List.of()); // replaces blocks 3 and 4 with empty ones; their transactions are gone
            String replaced = Hex.lower(anvil.call("eth_getBlockByNumber", "latest", false)
                    .get("hash")
                    .asText());
            assertThat(replaced).isNotEqualTo(top);
            await("replacement written")
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(replaced)));

            Set<String> orphaned = sent.subList(2, 4).stream()
                    .map(r -> r.get("transactionHash").asText())
                    .collect(Collectors.toSet());
            List<TransferEvent> all = transfers.values();
            assertThat(all)
                    .filteredOn(TransferEvent::getRemoved)
                    .extracting(TransferEvent::getTxHash)
                    .containsExactlyInAnyOrderElementsOf(orphaned);
            assertThat(all).filteredOn(t -> !t.getRemoved()).hasSize(4);
            assertThat(heads.values())
                    .filteredOn(BlockHead::getRemoved)
                    .extracting(BlockHead::getNumber)
                    .containsExactly(4L, 3L);
            assertThat(ingest.metrics()
                            .registry()
                            .get("drainwatch.ingest.deep.reorgs")
                            .counter()
                            .count())
                    .as("block 3 was final (depth 1) when it was reorganised")
                    .isEqualTo(1.0);
        }
    }

    @Test
    void aReorgWhileTheIngestorIsDownIsRetractedFromWhatItWroteWhenItRestarts() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "reorg-down");
        Credentials dev0 = DevChain.dev(0);
        String to = DevChain.address(DevChain.dev(2));
        try (AnvilNode anvil = AnvilNode.start();
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            chain.transferEth(dev0, to, BigInteger.valueOf(1));
            String snapshot = anvil.call("evm_snapshot").asText();
            List<JsonNode> orphans = List.of(
                    chain.transferEth(dev0, to, BigInteger.valueOf(2)),
                    chain.transferEth(dev0, to, BigInteger.valueOf(3)));
            String top = chain.blockHashOf(orphans.get(1));
            try (IngestFixture.Running first = fx.start(fx.config(anvil, 0L, true))) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> heads.values().stream()
                                .anyMatch(h -> h.getHash().equals(top)));
            }

            // while no ingestor runs, the node abandons the two blocks (and forgets them)
            anvil.call("evm_revert", snapshot);
            chain.resetNonces();
            JsonNode replacement = chain.transferEth(dev0, to, BigInteger.valueOf(4));
            assertThat(anvil.call("eth_getBlockByHash", top, false).isNull()).isTrue();

            try (IngestFixture.Running second = fx.start(fx.config(anvil, 0L, true))) {
                String newTop = chain.blockHashOf(replacement);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> heads.values().stream()
                                .anyMatch(h -> h.getHash().equals(newTop)));
            }
            Set<String> orphanTx =
                    orphans.stream().map(r -> r.get("transactionHash").asText()).collect(Collectors.toSet());
            List<TransferEvent> all = transfers.values();
            assertThat(all)
                    .filteredOn(TransferEvent::getRemoved)
                    .extracting(TransferEvent::getTxHash)
                    .containsExactlyInAnyOrderElementsOf(orphanTx);
            assertThat(all)
                    .filteredOn(t -> !t.getRemoved())
                    .extracting(TransferEvent::getEventId)
                    .doesNotHaveDuplicates()
                    .hasSize(4);
            assertThat(heads.values())
                    .filteredOn(BlockHead::getRemoved)
                    .extracting(BlockHead::getHash)
                    .containsExactly(top, chain.blockHashOf(orphans.get(0)));
        }
    }

    @Test
    void aReorgDeeperThanTheWindowRetractsTheWholeWindowCountsAsDeepAndCarriesOn() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "reorg-deep");
        Credentials dev0 = DevChain.dev(0);
        String to = DevChain.address(DevChain.dev(2));
        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest = fx.start(fx.config(anvil, 0L, true, 0, TraceMode.DEBUG, 2));
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            chain.transferEth(dev0, to, BigInteger.valueOf(1));
            String snapshot = anvil.call("evm_snapshot").asText();
            List<JsonNode> old = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                old.add(chain.transferEth(dev0, to, BigInteger.valueOf(10 + i))); // blocks 2, 3, 4
            }
            String oldTop = chain.blockHashOf(old.get(2));
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(oldTop)));

            anvil.call("evm_revert", snapshot);
            chain.resetNonces();
            anvil.call("anvil_mine", 4); // blocks 2' to 5' (empty): 3 blocks orphaned, the window holds 2
            JsonNode after = chain.transferEth(dev0, to, BigInteger.valueOf(99)); // block 6' links to the new branch
            String newTop = chain.blockHashOf(after);
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(newTop)));

            Set<String> windowTx = old.subList(1, 3).stream()
                    .map(r -> r.get("transactionHash").asText())
                    .collect(Collectors.toSet());
            assertThat(transfers.values())
                    .filteredOn(TransferEvent::getRemoved)
                    .extracting(TransferEvent::getTxHash)
                    .containsExactlyInAnyOrderElementsOf(windowTx);
            assertThat(transfers.values())
                    .filteredOn(t -> !t.getRemoved())
                    .extracting(TransferEvent::getTxHash)
                    .contains(after.get("transactionHash").asText());
            assertThat(heads.values())
                    .filteredOn(BlockHead::getRemoved)
                    .extracting(BlockHead::getNumber)
                    .containsExactly(4L, 3L);
            assertThat(ingest.metrics()
                            .registry()
                            .get("drainwatch.ingest.deep.reorgs")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }
    }

    private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no element matches");
    }
}
