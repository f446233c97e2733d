package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Frame;
import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Receipt;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding of the events the anvil ITs do not produce: ERC-1155, Permit2, EIP-2612 permits, parity traces. */
class BlockDecoderTest {
    private static final String BLOCK = "0x" + "b".repeat(64);
    private static final String TX = "0x" + "1".repeat(64);
    private static final String OWNER = "0x" + "a".repeat(40);
    private static final String SPENDER = "0x" + "5".repeat(40);
    private static final String RELAYER = "0x" + "7".repeat(40);
    private static final String TOKEN = "0x" + "c".repeat(40);
    private static final String PERMIT2 = "0x000000000022d473030f116ddee9f6b43ac78ba3";
    // topic0 and selector literals, not the decoder's constants: a wrong constant must fail these tests
    private static final String TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    private static final String APPROVAL = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
    private static final String TRANSFER_SINGLE = "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62";
    private static final String TRANSFER_BATCH = "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb";
    private static final String PERMIT2_APPROVAL = "0xda9fa7c1b00402c17d0161b249b1ab8bbec047c5a52207b9c112deffd817036b";
    private static final String PERMIT2_PERMIT = "0xc6a377bfc4eb120024a8ac08eef205be16b817020812c73223e81d1bdb9708ec";
    private static final String PERMIT_SELECTOR = "0xd505accf";

    private static String word(BigInteger v) {
        return String.format("%064x", v);
    }

    private static String word(long v) {
        return word(BigInteger.valueOf(v));
    }

    private static String topic(String address) {
        return "0x" + Hex.pad(address);
    }

    private static Block block(Transaction... txs) {
        return new Block(100, BLOCK, "0x" + "9".repeat(64), 1_700_000_000L, List.of(txs));
    }

    private static Transaction tx(String from, String to, String input) {
        return new Transaction(TX, from, to, BigInteger.ZERO, input, 2, List.of());
    }

    private final IngestMetrics metrics = IngestMetrics.discarding(1);

    private BlockEvents decode(Transaction tx, List<Log> logs, Map<String, Frame> traces) {
        return new BlockDecoder(1, metrics)
                .decode(block(tx), Map.of(TX, new Receipt(TX, true, null, logs)), traces, 90L);
    }

    private double undecodable(String type) {
        return metrics.registry()
                .get("drainwatch.ingest.undecodable")
                .tag("chain", "1")
                .tag("type", type)
                .counter()
                .count();
    }

    @Test
    void erc1155SingleAndBatchTransfersGiveOneEventPerTokenId() {
        Log single = new Log(
                TOKEN,
                List.of(TRANSFER_SINGLE, topic(RELAYER), topic(OWNER), topic(SPENDER)),
                "0x" + word(42) + word(3),
                4,
                TX);
        Log batch = new Log(
                TOKEN,
                List.of(TRANSFER_BATCH, topic(RELAYER), topic(OWNER), topic(SPENDER)),
                "0x" + word(64) + word(160) + word(2) + word(1) + word(2) + word(2) + word(10) + word(20),
                5,
                TX);
        List<TransferEvent> ts = decode(tx(RELAYER, TOKEN, "0x"), List.of(single, batch), Map.of())
                .transfers();
        assertThat(ts).extracting(TransferEvent::getKind).containsOnly(TransferKind.ERC1155);
        assertThat(ts)
                .extracting(t -> t.getTokenId().intValue(), t -> t.getAmount().intValue(), TransferEvent::getEventId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(42, 3, "1:" + BLOCK + ":" + TX + ":4"),
                        org.assertj.core.groups.Tuple.tuple(1, 10, "1:" + BLOCK + ":" + TX + ":5:0"),
                        org.assertj.core.groups.Tuple.tuple(2, 20, "1:" + BLOCK + ":" + TX + ":5:1"));
        assertThat(ts).allSatisfy(t -> {
            assertThat(t.getFrom()).isEqualTo(OWNER);
            assertThat(t.getTo()).isEqualTo(SPENDER);
            assertThat(t.getTxFrom()).isEqualTo(RELAYER);
        });
    }

    @Test
    void permit2ApprovalAndPermitNameTheTokenFromTheirTopics() {
        Log approval = new Log(
                PERMIT2,
                List.of(PERMIT2_APPROVAL, topic(OWNER), topic(TOKEN), topic(SPENDER)),
                "0x" + word(500) + word(1_800_000_000L),
                0,
                TX);
        Log permit = new Log(
                PERMIT2,
                List.of(PERMIT2_PERMIT, topic(OWNER), topic(TOKEN), topic(SPENDER)),
                "0x" + word(BigInteger.TWO.pow(160).subtract(BigInteger.ONE)) + word(1_800_000_000L) + word(0),
                1,
                TX);
        List<ApprovalEvent> as = decode(tx(RELAYER, PERMIT2, "0x"), List.of(approval, permit), Map.of())
                .approvals();
        assertThat(as)
                .extracting(ApprovalEvent::getKind)
                .containsExactly(ApprovalKind.PERMIT2_APPROVAL, ApprovalKind.PERMIT2_PERMIT);
        assertThat(as).allSatisfy(a -> {
            assertThat(a.getOwner()).isEqualTo(OWNER);
            assertThat(a.getSpender()).isEqualTo(SPENDER);
            assertThat(a.getToken()).isEqualTo(TOKEN);
            assertThat(a.getApproved()).isTrue();
        });
        assertThat(as.get(0).getAmount()).isEqualByComparingTo("500");
    }

    @Test
    void eip2612PermitSubmittedByAnotherAccountIsAnApprovalButTheOwnersOwnIsNot() {
        String args = Hex.pad(OWNER)
                + Hex.pad(SPENDER)
                + word(1000)
                + word(1_800_000_000L)
                + word(27)
                + "1".repeat(64)
                + "2".repeat(64);
        String input = PERMIT_SELECTOR + args;
        List<ApprovalEvent> byRelayer =
                decode(tx(RELAYER, TOKEN, input), List.of(), Map.of()).approvals();
        assertThat(byRelayer).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(ApprovalKind.EIP2612_PERMIT);
            assertThat(a.getOwner()).isEqualTo(OWNER);
            assertThat(a.getSpender()).isEqualTo(SPENDER);
            assertThat(a.getToken()).isEqualTo(TOKEN);
            assertThat(a.getTxFrom()).isEqualTo(RELAYER);
            assertThat(a.getAmount()).isEqualByComparingTo("1000");
            assertThat(a.getEventId()).isEqualTo("1:" + BLOCK + ":" + TX + ":permit");
        });
        assertThat(decode(tx(OWNER, TOKEN, input), List.of(), Map.of()).approvals())
                .isEmpty();
        // a permit inside a contract call (a drainer's multicall) counts too, keyed by its trace address
        Frame root = new Frame(
                "CALL",
                RELAYER,
                SPENDER,
                BigInteger.ZERO,
                "0x",
                false,
                List.of(new Frame("CALL", SPENDER, TOKEN, BigInteger.ZERO, input, false, List.of())));
        assertThat(decode(tx(RELAYER, SPENDER, "0x"), List.of(), Map.of(TX, root))
                        .approvals())
                .extracting(ApprovalEvent::getEventId)
                .containsExactly("1:" + BLOCK + ":" + TX + ":permit:0");
    }

    private static String permitInput(String owner) {
        return PERMIT_SELECTOR
                + Hex.pad(owner)
                + Hex.pad(SPENDER)
                + word(1000)
                + word(1_800_000_000L)
                + word(27)
                + "1".repeat(64)
                + "2".repeat(64);
    }

    @Test
    void aPermitRelayedToAProxiedTokenIsOneApprovalOfTheProxyNotASecondOneOfItsImplementation() {
        String implementation = "0x" + "e".repeat(40);
        String input = permitInput(OWNER);
        Frame root = new Frame(
                "CALL",
                RELAYER,
                TOKEN,
                BigInteger.ZERO,
                input,
                false,
                List.of(new Frame("DELEGATECALL", TOKEN, implementation, BigInteger.ZERO, input, false, List.of())));
        assertThat(decode(tx(RELAYER, TOKEN, input), List.of(), Map.of(TX, root))
                        .approvals())
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getToken()).isEqualTo(TOKEN);
                    assertThat(a.getEventId()).isEqualTo("1:" + BLOCK + ":" + TX + ":permit");
                });
        // relayed through a contract, the inner CALL to the proxy counts, its DELEGATECALL does not
        String relay = "0x" + "d".repeat(40);
        Frame relayed = new Frame(
                "CALL",
                RELAYER,
                relay,
                BigInteger.ZERO,
                "0x",
                false,
                List.of(new Frame(
                        "CALL",
                        relay,
                        TOKEN,
                        BigInteger.ZERO,
                        input,
                        false,
                        List.of(new Frame(
                                "DELEGATECALL", TOKEN, implementation, BigInteger.ZERO, input, false, List.of())))));
        assertThat(decode(tx(RELAYER, relay, "0x"), List.of(), Map.of(TX, relayed))
                        .approvals())
                .extracting(ApprovalEvent::getToken, ApprovalEvent::getEventId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TOKEN, "1:" + BLOCK + ":" + TX + ":permit:0"));
    }

    @Test
    void anOwnersOwnPermitThroughARouterIsNotAnApprovalBySomeoneElse() {
        String router = "0x" + "d".repeat(40);
        Frame root = new Frame(
                "CALL",
                OWNER,
                router,
                BigInteger.ZERO,
                "0xac9650d8",
                false,
                List.of(new Frame("CALL", router, TOKEN, BigInteger.ZERO, permitInput(OWNER), false, List.of())));
        assertThat(decode(tx(OWNER, router, "0xac9650d8"), List.of(), Map.of(TX, root))
                        .approvals())
                .isEmpty();
    }

    @Test
    void erc721ApprovalAndMalformedLogs() {
        Log approve721 = new Log(TOKEN, List.of(APPROVAL, topic(OWNER), topic(SPENDER), "0x" + word(9)), "0x", 0, TX);
        Log shortData = new Log(TOKEN, List.of(TRANSFER, topic(OWNER), topic(SPENDER)), "0x12", 1, TX);
        BlockEvents events = decode(tx(OWNER, TOKEN, "0x"), List.of(approve721, shortData), Map.of());
        assertThat(events.approvals()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(ApprovalKind.OTHER);
            assertThat(a.getSpender()).isEqualTo(SPENDER);
            assertThat(a.getAmount()).isNull();
        });
        assertThat(events.transfers()).isEmpty();
        assertThat(undecodable("log")).isEqualTo(1);
    }

    @Test
    void aTransferBatchWhoseLengthsExceedItsDataIsSkippedAndCountedWithoutAllocatingThem() {
        List<String> topics = List.of(TRANSFER_BATCH, topic(RELAYER), topic(OWNER), topic(SPENDER));
        // ids claims 2^31-1 items, values 1: any contract can emit this
        Log poison = new Log(TOKEN, topics, "0x" + word(64) + word(96) + word(0x7fffffffL) + word(1) + word(7), 0, TX);
        // offsets pointing past the data, and ids and values of different lengths
        Log outside = new Log(TOKEN, topics, "0x" + word(64) + word(BigInteger.TWO.pow(255)) + word(0), 1, TX);
        Log uneven = new Log(
                TOKEN, topics, "0x" + word(64) + word(128) + word(1) + word(5) + word(2) + word(1) + word(1), 2, TX);
        Log fine = new Log(TOKEN, topics, "0x" + word(64) + word(128) + word(1) + word(5) + word(1) + word(9), 3, TX);

        List<TransferEvent> ts = decode(tx(RELAYER, TOKEN, "0x"), List.of(poison, outside, uneven, fine), Map.of())
                .transfers();

        assertThat(ts)
                .singleElement()
                .satisfies(t -> assertThat(t.getEventId()).isEqualTo("1:" + BLOCK + ":" + TX + ":3:0"));
        assertThat(undecodable("log")).isEqualTo(3);
    }

    @Test
    void authorisationsTheProtocolWouldSkipOrThatDoNotFitAreSkippedAndCountedAndTheRestOfTheBlockDecodes() {
        org.web3j.crypto.Credentials authority = org.web3j.crypto.Credentials.create("0x" + "4".repeat(64));
        BigInteger n = org.web3j.crypto.Sign.CURVE_PARAMS.getN();
        org.web3j.crypto.AuthorizationTuple valid =
                org.web3j.crypto.Sign.signAuthorization(BigInteger.ONE, SPENDER, BigInteger.ONE, authority);
        org.web3j.crypto.AuthorizationTuple hugeNonce =
                org.web3j.crypto.Sign.signAuthorization(BigInteger.ONE, SPENDER, BigInteger.TWO.pow(63), authority);
        org.web3j.crypto.AuthorizationTuple maxNonce = org.web3j.crypto.Sign.signAuthorization(
                BigInteger.ONE, SPENDER, BigInteger.TWO.pow(64).subtract(BigInteger.ONE), authority);
        List<NodeData.Authorization> auths = List.of(
                auth(valid, valid.getYParity(), valid.getS()),
                auth(hugeNonce, hugeNonce.getYParity(), hugeNonce.getS()),
                auth(maxNonce, maxNonce.getYParity(), maxNonce.getS()),
                // the same signature with y_parity out of range, and in its high-s twin (ecrecover accepts both)
                auth(valid, BigInteger.valueOf(2).add(valid.getYParity()), valid.getS()),
                auth(valid, BigInteger.ONE.subtract(valid.getYParity()), n.subtract(valid.getS())));
        Transaction tx = new Transaction(TX, RELAYER, RELAYER, BigInteger.ZERO, "0x", 4, auths);
        Log transfer = new Log(TOKEN, List.of(TRANSFER, topic(OWNER), topic(SPENDER)), "0x" + word(5), 0, TX);

        BlockEvents events = decode(tx, List.of(transfer), Map.of());

        assertThat(events.delegations()).singleElement().satisfies(d -> {
            assertThat(d.getAuthority()).isEqualTo(authority.getAddress());
            assertThat(d.getDelegate()).isEqualTo(SPENDER);
            assertThat(d.getAuthorizationNonce()).isEqualTo(1L);
            assertThat(d.getEventId()).isEqualTo("1:" + BLOCK + ":" + TX + ":auth:0");
        });
        assertThat(events.transfers()).hasSize(1);
        assertThat(undecodable("authorization")).isEqualTo(4);
    }

    private static NodeData.Authorization auth(
            org.web3j.crypto.AuthorizationTuple t, BigInteger yParity, BigInteger s) {
        return new NodeData.Authorization(
                t.getChainId(), Hex.lower(t.getAddress()), t.getNonce(), yParity, t.getR(), s);
    }

    @Test
    void aPermitCallWithArgumentsThatAreNotHexIsSkippedAndCountedNotThrown() {
        String input = PERMIT_SELECTOR + Hex.pad(OWNER) + Hex.pad(SPENDER) + "z".repeat(64 * 5);
        BlockEvents events = decode(tx(RELAYER, TOKEN, input), List.of(), Map.of());
        assertThat(events.approvals()).isEmpty();
        assertThat(undecodable("call")).isEqualTo(1);
    }

    @Test
    void parityTracesGiveTheSameInternalTransfersAsCallTracerWithRevertedFramesDropped() throws Exception {
        String json = """
        [
         {"action":{"from":"%1$s","callType":"call","to":"%2$s","value":"0x64","input":"0x"},"blockHash":"%4$s","traceAddress":[],"transactionHash":"%5$s","type":"call"},
         {"action":{"from":"%2$s","callType":"call","to":"%3$s","value":"0x32","input":"0x"},"blockHash":"%4$s","traceAddress":[0],"transactionHash":"%5$s","type":"call"},
         {"action":{"from":"%2$s","callType":"call","to":"%2$s","value":"0x32","input":"0x"},"blockHash":"%4$s","error":"Reverted","traceAddress":[1],"transactionHash":"%5$s","type":"call"},
         {"action":{"from":"%2$s","callType":"call","to":"%1$s","value":"0x32","input":"0x"},"blockHash":"%4$s","traceAddress":[1,0],"transactionHash":"%5$s","type":"call"}
        ]""".formatted(OWNER, SPENDER, RELAYER, BLOCK, TX);
        Map<String, Frame> frames = NodeData.parityFrames(new ObjectMapper().readTree(json));
        Transaction tx = new Transaction(TX, OWNER, SPENDER, BigInteger.valueOf(100), "0x", 2, List.of());
        List<TransferEvent> ts = decode(tx, List.of(), frames).transfers();
        assertThat(ts)
                .extracting(
                        TransferEvent::getKind,
                        TransferEvent::getTo,
                        t -> t.getAmount().intValue())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TransferKind.NATIVE, SPENDER, 100),
                        org.assertj.core.groups.Tuple.tuple(TransferKind.INTERNAL, RELAYER, 50));
        assertThat(ts.get(1).getTraceAddress()).isEqualTo("0");
    }

    @Test
    void aRevertedTransactionMovesNothing() {
        Transaction tx = new Transaction(TX, OWNER, SPENDER, BigInteger.TEN, "0x", 2, List.of());
        BlockEvents events = new BlockDecoder(1, metrics)
                .decode(block(tx), Map.of(TX, new Receipt(TX, false, null, List.of())), Map.of(), null);
        assertThat(events.transfers()).isEmpty();
        assertThat(events.head().getNumber()).isEqualTo(100);
        assertThat(events.head().getFinalizedNumber()).isNull();
    }
}
