package io.drainwatch.detector.chain;

import static io.drainwatch.detector.chain.DevChain.addr;
import static io.drainwatch.detector.chain.DevChain.bool;
import static io.drainwatch.detector.chain.DevChain.call;
import static io.drainwatch.detector.chain.DevChain.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.web3j.crypto.Credentials;

/**
 * Real signed transactions on a real anvil node reach the chain topics of a real broker: each event
 * once, with the fields a detector relies on; reverted value never appears.
 */
class IngestEventsIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final BigInteger ETH = DevChain.ETHER;

    @ParameterizedTest(name = "internal transfers from {0} traces")
    @EnumSource(
            value = TraceMode.class,
            names = {"DEBUG", "PARITY"})
    void everyKindOfEventAppearsExactlyOnceWithItsFields(TraceMode traces) throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "events-" + traces.name().toLowerCase(java.util.Locale.ROOT));
        Credentials dev0 = DevChain.dev(0);
        Credentials dev1 = DevChain.dev(1);
        Credentials spender = DevChain.dev(2);
        Credentials watched = DevChain.fresh();
        String w = DevChain.address(watched);
        String freshRecipient = DevChain.address(DevChain.fresh());
        String kept = DevChain.address(DevChain.fresh());
        String lost = DevChain.address(DevChain.fresh());
        String revertedRecipient = DevChain.address(DevChain.fresh());
        Credentials authority = DevChain.fresh();
        fx.watch(w);

        try (AnvilNode anvil = AnvilNode.start();
                IngestFixture.Running ingest = fx.start(fx.config(anvil, 0L, true, 0, traces));
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<ApprovalEvent> approvals = fx.reader(fx.topics.approvals(), ApprovalEvent.class);
                TopicReader<DelegationEvent> delegations = fx.reader(fx.topics.delegations(), DelegationEvent.class);
                TopicReader<BalanceSnapshot> balances = fx.reader(fx.topics.balances(), BalanceSnapshot.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            DevChain chain = new DevChain(anvil);
            JsonNode fund = chain.transferEth(dev0, w, ETH.multiply(BigInteger.valueOf(5)));
            JsonNode outflow = chain.transferEth(watched, freshRecipient, ETH);
            String token = chain.deploy(dev0, "Token", uint(ETH.multiply(BigInteger.valueOf(1_000_000))));
            JsonNode tokenIn =
                    chain.sendAndWait(dev0, token, BigInteger.ZERO, call("transfer", addr(w), uint(1000)), 100_000);
            JsonNode approve = chain.sendAndWait(
                    watched,
                    token,
                    BigInteger.ZERO,
                    call("approve", addr(DevChain.address(spender)), uint(600)),
                    100_000);
            JsonNode pulled = chain.sendAndWait(
                    spender,
                    token,
                    BigInteger.ZERO,
                    call("transferFrom", addr(w), addr(DevChain.address(dev0)), uint(600)),
                    100_000);
            String splitter = chain.deploy(dev0, "Splitter");
            JsonNode split = chain.sendAndWait(dev0, splitter, ETH, call("split", addr(kept), addr(lost)), 200_000);
            JsonNode reverted =
                    chain.sendAndWait(dev0, splitter, ETH, call("alwaysRevert", addr(revertedRecipient)), 200_000);
            JsonNode revertedToken =
                    chain.sendAndWait(dev1, token, BigInteger.ZERO, call("transfer", addr(w), uint(5)), 100_000);
            String nft = chain.deploy(dev0, "Nft");
            chain.sendAndWait(dev0, nft, BigInteger.ZERO, call("mint", addr(DevChain.address(dev0)), uint(7)), 100_000);
            JsonNode nftMove = chain.sendAndWait(
                    dev0,
                    nft,
                    BigInteger.ZERO,
                    call("transferFrom", addr(DevChain.address(dev0)), addr(w), uint(7)),
                    100_000);
            JsonNode forAll = chain.sendAndWait(
                    dev0,
                    nft,
                    BigInteger.ZERO,
                    call("setApprovalForAll", addr(DevChain.address(dev1)), bool(true)),
                    100_000);
            String delegateCode = chain.deploy(dev0, "Delegate");
            JsonNode delegation = chain.delegate(dev0, authority, delegateCode);
            assertThat(reverted.path("status").asText()).isEqualTo("0x0");
            assertThat(revertedToken.path("status").asText()).isEqualTo("0x0");
            assertThat(delegation.path("status").asText()).isEqualTo("0x1");
            long last = anvil.blockNumber();

            await("every block on the heads topic")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> heads.values().stream().anyMatch(h -> h.getNumber() == last));

            List<TransferEvent> ts = transfers.values();
            assertThat(ts).extracting(TransferEvent::getEventId).doesNotHaveDuplicates();
            assertThat(ts).noneMatch(TransferEvent::getRemoved);
            Map<String, TransferEvent> byId =
                    ts.stream().collect(Collectors.toMap(TransferEvent::getEventId, Function.identity()));

            TransferEvent funded = byId.get(id(fund, "call"));
            assertThat(funded).isNotNull();
            assertThat(funded.getKind()).isEqualTo(TransferKind.NATIVE);
            assertThat(funded.getFrom()).isEqualTo(DevChain.address(dev0));
            assertThat(funded.getTo()).isEqualTo(w);
            assertThat(funded.getAmount()).isEqualByComparingTo(new BigDecimal(ETH.multiply(BigInteger.valueOf(5))));
            assertThat(funded.getBlockNumber())
                    .isEqualTo(Hex.lng(fund.get("blockNumber").asText()));
            assertThat(funded.getSenderBalanceBefore())
                    .as("dev0 is not watched")
                    .isNull();
            assertThat(funded.getDecimals()).isEqualTo(18);
            assertThat(funded.getTxFrom()).isEqualTo(DevChain.address(dev0));

            // watched outflow to a brand-new address: balances read at the block, destination fresh
            TransferEvent out = byId.get(id(outflow, "call"));
            assertThat(out.getFrom()).isEqualTo(w);
            assertThat(out.getTo()).isEqualTo(freshRecipient);
            String outBlock = chain.blockHashOf(outflow);
            assertThat(out.getSenderBalanceBefore())
                    .isEqualByComparingTo(new BigDecimal(chain.balance(w, chain.parentOf(outBlock))));
            assertThat(out.getSenderBalanceAfter()).isEqualByComparingTo(new BigDecimal(chain.balance(w, outBlock)));
            assertThat(out.getSenderBalanceBefore())
                    .isEqualByComparingTo(new BigDecimal(ETH.multiply(BigInteger.valueOf(5))));
            assertThat(out.getRecipientFresh()).isTrue();

            // ERC-20: mint, a transfer in, and the spender pulling the approved amount
            assertThat(ts)
                    .filteredOn(t ->
                            t.getKind() == TransferKind.ERC20 && t.getAsset().equals(token))
                    .hasSize(3);
            TransferEvent in = byId.get(id(tokenIn, logIndex(tokenIn, 0)));
            assertThat(in.getKind()).isEqualTo(TransferKind.ERC20);
            assertThat(in.getAmount()).isEqualByComparingTo("1000");
            TransferEvent pull = byId.get(id(pulled, logIndex(pulled, 0)));
            assertThat(pull.getFrom()).isEqualTo(w);
            assertThat(pull.getTo()).isEqualTo(DevChain.address(dev0));
            assertThat(pull.getTxFrom()).isEqualTo(DevChain.address(spender));
            assertThat(pull.getAmount()).isEqualByComparingTo("600");
            String pullBlock = chain.blockHashOf(pulled);
            assertThat(pull.getSenderBalanceBefore()).isEqualByComparingTo("1000");
            assertThat(pull.getSenderBalanceAfter())
                    .isEqualByComparingTo(new BigDecimal(chain.tokenBalance(token, w, pullBlock)))
                    .isEqualByComparingTo("400");
            assertThat(pull.getRecipientFresh())
                    .as("dev0 has sent transactions before")
                    .isFalse();

            // internal transfers: the kept half and the refund; the half sent inside a reverted frame is absent
            List<TransferEvent> internal = ts.stream()
                    .filter(t -> t.getKind() == TransferKind.INTERNAL)
                    .toList();
            assertThat(internal)
                    .extracting(TransferEvent::getTo)
                    .containsExactlyInAnyOrder(kept, DevChain.address(dev0));
            TransferEvent keptMove = internal.stream()
                    .filter(t -> t.getTo().equals(kept))
                    .findFirst()
                    .orElseThrow();
            assertThat(keptMove.getFrom()).isEqualTo(splitter);
            assertThat(keptMove.getAmount()).isEqualByComparingTo(new BigDecimal(ETH.divide(BigInteger.TWO)));
            assertThat(keptMove.getTxFrom()).isEqualTo(DevChain.address(dev0));
            assertThat(keptMove.getTraceAddress()).isEqualTo("0");
            assertThat(keptMove.getEventId()).isEqualTo(id(split, "call:0"));
            assertThat(ts).noneMatch(t -> t.getTo().equals(lost) || t.getTo().equals(revertedRecipient));
            assertThat(ts)
                    .noneMatch(t ->
                            t.getTxHash().equals(reverted.get("transactionHash").asText()));
            assertThat(ts)
                    .noneMatch(t -> t.getTxHash()
                            .equals(revertedToken.get("transactionHash").asText()));

            // ERC-721: told apart from ERC-20 by its indexed token id
            TransferEvent nftTransfer = byId.get(id(nftMove, logIndex(nftMove, 0)));
            assertThat(nftTransfer.getKind()).isEqualTo(TransferKind.ERC721);
            assertThat(nftTransfer.getTokenId()).isEqualByComparingTo("7");
            assertThat(nftTransfer.getAmount()).isEqualByComparingTo("1");
            assertThat(nftTransfer.getTo()).isEqualTo(w);

            List<ApprovalEvent> as = approvals.values();
            assertThat(as).extracting(ApprovalEvent::getEventId).doesNotHaveDuplicates();
            assertThat(as).hasSize(2);
            ApprovalEvent erc20 = as.stream()
                    .filter(a -> a.getKind() == ApprovalKind.ERC20_APPROVAL)
                    .findFirst()
                    .orElseThrow();
            assertThat(erc20.getOwner()).isEqualTo(w);
            assertThat(erc20.getSpender()).isEqualTo(DevChain.address(spender));
            assertThat(erc20.getToken()).isEqualTo(token);
            assertThat(erc20.getAmount()).isEqualByComparingTo("600");
            assertThat(erc20.getEventId()).isEqualTo(id(approve, logIndex(approve, 0)));
            ApprovalEvent all = as.stream()
                    .filter(a -> a.getKind() == ApprovalKind.APPROVAL_FOR_ALL)
                    .findFirst()
                    .orElseThrow();
            assertThat(all.getOwner()).isEqualTo(DevChain.address(dev0));
            assertThat(all.getSpender()).isEqualTo(DevChain.address(dev1));
            assertThat(all.getApproved()).isTrue();
            assertThat(all.getTxHash()).isEqualTo(forAll.get("transactionHash").asText());

            List<DelegationEvent> ds = delegations.values();
            assertThat(ds).hasSize(1);
            assertThat(ds.get(0).getAuthority()).isEqualTo(DevChain.address(authority));
            assertThat(ds.get(0).getDelegate()).isEqualTo(delegateCode);
            assertThat(ds.get(0).getTxFrom()).isEqualTo(DevChain.address(dev0));
            assertThat(ds.get(0).getEventId()).isEqualTo(id(delegation, "auth:0"));
            assertThat(anvil.call("eth_getCode", DevChain.address(authority), "latest")
                            .asText())
                    .isEqualTo("0xef0100" + delegateCode.substring(2));

            // a snapshot of the watched wallet for each block where it moved value, equal to the node's balances
            List<BalanceSnapshot> bs = balances.values();
            BalanceSnapshot afterOutflow = bs.stream()
                    .filter(b ->
                            b.getBlockHash().equals(outBlock) && b.getAsset().equals("native"))
                    .findFirst()
                    .orElseThrow();
            assertThat(afterOutflow.getWallet()).isEqualTo(w);
            assertThat(afterOutflow.getBalance()).isEqualByComparingTo(new BigDecimal(chain.balance(w, outBlock)));
            assertThat(afterOutflow.getPreviousBalance())
                    .isEqualByComparingTo(new BigDecimal(ETH.multiply(BigInteger.valueOf(5))));
            assertThat(bs)
                    .filteredOn(b ->
                            b.getBlockHash().equals(pullBlock) && b.getAsset().equals(token))
                    .singleElement()
                    .satisfies(b -> assertThat(b.getBalance()).isEqualByComparingTo("400"));
            assertThat(bs)
                    .filteredOn(b -> b.getAsset().equals(nft))
                    .singleElement()
                    .satisfies(b -> assertThat(b.getBalance()).isEqualByComparingTo("1"));

            List<BlockHead> hs = heads.values();
            assertThat(hs)
                    .extracting(BlockHead::getNumber)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, last)
                            .boxed()
                            .toList());
            for (int i = 1; i < hs.size(); i++) {
                assertThat(hs.get(i).getParentHash()).isEqualTo(hs.get(i - 1).getHash());
            }
            assertThat(hs.get(hs.size() - 1).getFinalizedNumber()).isNotNull();
        }
    }

    private static String id(JsonNode receipt, String suffix) {
        return AnvilNode.CHAIN_ID + ":" + Hex.lower(receipt.get("blockHash").asText()) + ":"
                + Hex.lower(receipt.get("transactionHash").asText()) + ":" + suffix;
    }

    private static String logIndex(JsonNode receipt, int i) {
        return Long.toString(Hex.lng(receipt.get("logs").get(i).get("logIndex").asText()));
    }
}
