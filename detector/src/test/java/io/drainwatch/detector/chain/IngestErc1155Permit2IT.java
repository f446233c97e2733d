package io.drainwatch.detector.chain;

import static io.drainwatch.detector.chain.DevChain.addr;
import static io.drainwatch.detector.chain.DevChain.call;
import static io.drainwatch.detector.chain.DevChain.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.generated.Uint160;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint48;
import org.web3j.crypto.Credentials;

/**
 * ERC-1155 transfers and Permit2 allowances emitted by contracts on a real anvil node reach the chain
 * topics: the TransferSingle, TransferBatch and Permit2 decoders run on real logs, whose topic0 is checked
 * against the events' literal hashes so the test shows the contracts emit the standard events.
 */
class IngestErc1155Permit2IT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final String TRANSFER_SINGLE = "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62";
    private static final String TRANSFER_BATCH = "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb";
    private static final String PERMIT2_APPROVAL = "0xda9fa7c1b00402c17d0161b249b1ab8bbec047c5a52207b9c112deffd817036b";
    private static final String PERMIT2_PERMIT = "0xc6a377bfc4eb120024a8ac08eef205be16b817020812c73223e81d1bdb9708ec";
    /** keccak-256 of {@code Lockdown(address,address,address)}. */
    private static final String PERMIT2_LOCKDOWN = "0x89b1add15eff56b3dfe299ad94e01f2b52fbcb80ae1a3baea6ae8c04cb2b98a4";

    private static final String ZERO = "0x0000000000000000000000000000000000000000";
    private static final BigInteger UINT160_MAX = BigInteger.TWO.pow(160).subtract(BigInteger.ONE);
    private static final long EXPIRATION = 4_000_000_000L;

    @Test
    void erc1155TransfersAndPermit2AllowancesFromRealLogs() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "erc1155-permit2");
        Credentials dev0 = DevChain.dev(0);
        Credentials spender = DevChain.dev(2);
        Credentials watched = DevChain.fresh();
        String d0 = DevChain.address(dev0);
        String w = DevChain.address(watched);
        String s = DevChain.address(spender);
        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest = fx.start(fx.config(anvil, 0L, true));
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<ApprovalEvent> approvals = fx.reader(fx.topics.approvals(), ApprovalEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            String multi = chain.deploy(dev0, "MultiToken");
            JsonNode mint = chain.sendAndWait(
                    dev0, multi, BigInteger.ZERO, call("mintBatch", addr(d0), uints(1, 2), uints(10, 20)), 200_000);
            JsonNode single = chain.sendAndWait(
                    dev0,
                    multi,
                    BigInteger.ZERO,
                    call("safeTransferFrom", addr(d0), addr(w), uint(1), uint(4), new DynamicBytes(new byte[0])),
                    200_000);
            JsonNode batch = chain.sendAndWait(
                    dev0,
                    multi,
                    BigInteger.ZERO,
                    call(
                            "safeBatchTransferFrom",
                            addr(d0),
                            addr(w),
                            uints(1, 2),
                            uints(3, 5),
                            new DynamicBytes(new byte[0])),
                    200_000);

            String permit2 = chain.deploy(dev0, "Permit2Allowances");
            String token = chain.deploy(dev0, "Token", uint(1_000_000));
            JsonNode approve = chain.sendAndWait(
                    dev0,
                    permit2,
                    BigInteger.ZERO,
                    call("approve", addr(token), addr(s), new Uint160(500), new Uint48(EXPIRATION)),
                    200_000);
            // the spender submits the watched wallet's permit (Permit2 would check its signature first)
            JsonNode permit = chain.sendAndWait(
                    spender,
                    permit2,
                    BigInteger.ZERO,
                    call(
                            "permitUnsigned",
                            addr(w),
                            addr(token),
                            addr(s),
                            new Uint160(UINT160_MAX),
                            new Uint48(EXPIRATION)),
                    200_000);
            JsonNode lockdown =
                    chain.sendAndWait(dev0, permit2, BigInteger.ZERO, call("lockdown", addr(token), addr(s)), 200_000);
            for (JsonNode r : List.of(mint, single, batch, approve, permit, lockdown)) {
                assertThat(r.path("status").asText()).isEqualTo("0x1");
            }
            assertThat(topic0(mint)).isEqualTo(TRANSFER_BATCH);
            assertThat(topic0(single)).isEqualTo(TRANSFER_SINGLE);
            assertThat(topic0(batch)).isEqualTo(TRANSFER_BATCH);
            assertThat(topic0(approve)).isEqualTo(PERMIT2_APPROVAL);
            assertThat(topic0(permit)).isEqualTo(PERMIT2_PERMIT);
            assertThat(topic0(lockdown)).isEqualTo(PERMIT2_LOCKDOWN);
            long last = anvil.blockNumber();
            await("every block on the heads topic")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> heads.values().stream().anyMatch(h -> h.getNumber() == last));

            List<TransferEvent> ts = transfers.values().stream()
                    .filter(t -> t.getAsset().equals(multi))
                    .toList();
            assertThat(ts).extracting(TransferEvent::getKind).containsOnly(TransferKind.ERC1155);
            assertThat(ts)
                    .extracting(
                            TransferEvent::getEventId,
                            TransferEvent::getFrom,
                            TransferEvent::getTo,
                            t -> t.getTokenId().intValueExact(),
                            t -> t.getAmount().intValueExact(),
                            TransferEvent::getTxFrom)
                    .containsExactlyInAnyOrder(
                            tuple(id(mint, logIndex(mint) + ":0"), ZERO, d0, 1, 10, d0),
                            tuple(id(mint, logIndex(mint) + ":1"), ZERO, d0, 2, 20, d0),
                            tuple(id(single, logIndex(single)), d0, w, 1, 4, d0),
                            tuple(id(batch, logIndex(batch) + ":0"), d0, w, 1, 3, d0),
                            tuple(id(batch, logIndex(batch) + ":1"), d0, w, 2, 5, d0));

            List<ApprovalEvent> as = approvals.values().stream()
                    .filter(a -> a.getToken().equals(token))
                    .toList();
            assertThat(as)
                    .extracting(
                            ApprovalEvent::getEventId,
                            ApprovalEvent::getKind,
                            ApprovalEvent::getOwner,
                            ApprovalEvent::getSpender,
                            a -> a.getAmount().toBigIntegerExact(),
                            ApprovalEvent::getApproved,
                            ApprovalEvent::getTxFrom)
                    .as("Lockdown, a revocation, is not decoded")
                    .containsExactlyInAnyOrder(
                            tuple(
                                    id(approve, logIndex(approve)),
                                    ApprovalKind.PERMIT2_APPROVAL,
                                    d0,
                                    s,
                                    BigInteger.valueOf(500),
                                    true,
                                    d0),
                            tuple(
                                    id(permit, logIndex(permit)),
                                    ApprovalKind.PERMIT2_PERMIT,
                                    w,
                                    s,
                                    UINT160_MAX,
                                    true,
                                    s));
            assertThat(heads.values())
                    .extracting(BlockHead::getNumber)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(0, last).boxed().toList());
        }
    }

    private static DynamicArray<Uint256> uints(long... values) {
        return new DynamicArray<>(
                Uint256.class, LongStream.of(values).mapToObj(Uint256::new).toList());
    }

    private static String topic0(JsonNode receipt) {
        assertThat(receipt.get("logs")).hasSize(1);
        return Hex.lower(receipt.get("logs").get(0).get("topics").get(0).asText());
    }

    private static String id(JsonNode receipt, String suffix) {
        return AnvilNode.CHAIN_ID + ":" + Hex.lower(receipt.get("blockHash").asText()) + ":"
                + Hex.lower(receipt.get("transactionHash").asText()) + ":" + suffix;
    }

    private static String logIndex(JsonNode receipt) {
        return Long.toString(Hex.lng(receipt.get("logs").get(0).get("logIndex").asText()));
    }
}
