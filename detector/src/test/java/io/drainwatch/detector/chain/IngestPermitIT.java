package io.drainwatch.detector.chain;

import static io.drainwatch.detector.chain.DevChain.addr;
import static io.drainwatch.detector.chain.DevChain.call;
import static io.drainwatch.detector.chain.DevChain.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** An EIP-2612 permit signed by a wallet's key and submitted by the spender is an approval of that wallet. */
class IngestPermitIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    @Test
    void aPermitSubmittedByTheSpenderIsAnApprovalOfTheOwner() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "permit");
        Credentials dev0 = DevChain.dev(0);
        Credentials spender = DevChain.dev(2);
        Credentials owner = DevChain.fresh();
        String w = DevChain.address(owner);
        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest = fx.start(fx.config(anvil, 0L, true));
                TopicReader<ApprovalEvent> approvals = fx.reader(fx.topics.approvals(), ApprovalEvent.class);
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            String token = chain.deploy(dev0, "Token", uint(1_000_000));
            chain.sendAndWait(dev0, token, BigInteger.ZERO, call("transfer", addr(w), uint(700)), 100_000);

            // the owner never sends a transaction: it only signs the permit off-chain
            String domain = anvil.call("eth_call", Map.of("to", token, "data", call("DOMAIN_SEPARATOR")), "latest")
                    .asText();
            BigInteger value = BigInteger.valueOf(700);
            BigInteger deadline = BigInteger.valueOf(4_000_000_000L);
            byte[] typeHash = Hash.sha3(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)".getBytes());
            String struct = Numeric.toHexStringNoPrefix(typeHash)
                    + Hex.pad(w)
                    + Hex.pad(DevChain.address(spender))
                    + String.format("%064x", value)
                    + String.format("%064x", 0)
                    + String.format("%064x", deadline);
            byte[] digest = Hash.sha3(Numeric.hexStringToByteArray("0x1901" + Hex.strip(domain)
                    + Numeric.toHexStringNoPrefix(Hash.sha3(Numeric.hexStringToByteArray(struct)))));
            Sign.SignatureData sig = Sign.signMessage(digest, owner.getEcKeyPair(), false);
            JsonNode permit = chain.sendAndWait(
                    spender,
                    token,
                    BigInteger.ZERO,
                    call(
                            "permit",
                            addr(w),
                            addr(DevChain.address(spender)),
                            uint(value),
                            uint(deadline),
                            new Uint8(sig.getV()[0]),
                            new Bytes32(sig.getR()),
                            new Bytes32(sig.getS())),
                    200_000);
            assertThat(permit.path("status").asText()).isEqualTo("0x1");
            JsonNode drain = chain.sendAndWait(
                    spender,
                    token,
                    BigInteger.ZERO,
                    call("transferFrom", addr(w), addr(DevChain.address(dev0)), uint(700)),
                    100_000);
            String top = chain.blockHashOf(drain);
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            heads.values().stream().anyMatch(h -> h.getHash().equals(top)));

            String permitTx = permit.get("transactionHash").asText();
            assertThat(approvals.values())
                    .filteredOn(a -> a.getTxHash().equals(permitTx))
                    .extracting(ApprovalEvent::getKind)
                    .containsExactlyInAnyOrder(ApprovalKind.EIP2612_PERMIT, ApprovalKind.ERC20_APPROVAL);
            ApprovalEvent p = approvals.values().stream()
                    .filter(a -> a.getKind() == ApprovalKind.EIP2612_PERMIT)
                    .findFirst()
                    .orElseThrow();
            assertThat(p.getOwner()).isEqualTo(w);
            assertThat(p.getSpender()).isEqualTo(DevChain.address(spender));
            assertThat(p.getToken()).isEqualTo(token);
            assertThat(p.getAmount()).isEqualByComparingTo("700");
            assertThat(p.getTxFrom()).isEqualTo(DevChain.address(spender));
            assertThat(p.getEventId())
                    .isEqualTo(AnvilNode.CHAIN_ID + ":" + chain.blockHashOf(permit) + ":" + permitTx + ":permit");
            assertThat(transfers.values())
                    .filteredOn(t -> t.getFrom().equals(w))
                    .singleElement()
                    .satisfies(t -> assertThat(t.getTxFrom()).isEqualTo(DevChain.address(spender)));
        }
    }
}
