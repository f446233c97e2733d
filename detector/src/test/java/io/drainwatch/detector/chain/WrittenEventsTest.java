package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a restarted ingestor reads back to retract: each event once, as it last stood on the topics. */
class WrittenEventsTest {
    private static final String A = "0x" + "a".repeat(64);
    private static final String B = "0x" + "b".repeat(64);
    private static final String PARENT = "0x" + "9".repeat(64);
    private static final String WALLET = "0x" + "1".repeat(40);

    private static BlockHead head(String hash, boolean removed) {
        return BlockHead.newBuilder()
                .setChainId(1)
                .setNumber(10)
                .setHash(hash)
                .setParentHash(PARENT)
                .setTime(Instant.EPOCH)
                .setFinalizedNumber(null)
                .setRemoved(removed)
                .build();
    }

    private static TransferEvent transfer(String block, boolean removed) {
        return TransferEvent.newBuilder()
                .setChainId(1)
                .setFrom(WALLET)
                .setTo(WALLET)
                .setKind(TransferKind.NATIVE)
                .setAsset("native")
                .setAmount(BigDecimal.ONE)
                .setTokenId(null)
                .setEventId("1:" + block + ":0xt:call")
                .setTxHash("0xt")
                .setBlockNumber(10)
                .setBlockHash(block)
                .setBlockTime(Instant.EPOCH)
                .setLogIndex(null)
                .setTraceAddress(null)
                .setRemoved(removed)
                .setTxFrom(WALLET)
                .setDecimals(18)
                .build();
    }

    private static ApprovalEvent approval(String block, boolean removed) {
        return ApprovalEvent.newBuilder()
                .setChainId(1)
                .setOwner(WALLET)
                .setSpender(WALLET)
                .setKind(ApprovalKind.ERC20_APPROVAL)
                .setToken(WALLET)
                .setAmount(BigDecimal.ONE)
                .setApproved(true)
                .setEventId("1:" + block + ":0xt:3")
                .setTxHash("0xt")
                .setTxFrom(WALLET)
                .setBlockNumber(10)
                .setBlockHash(block)
                .setBlockTime(Instant.EPOCH)
                .setLogIndex(3)
                .setRemoved(removed)
                .build();
    }

    private static DelegationEvent delegation(String block, boolean removed) {
        return DelegationEvent.newBuilder()
                .setChainId(1)
                .setAuthority(WALLET)
                .setDelegate(WALLET)
                .setAuthorizationNonce(0)
                .setEventId("1:" + block + ":0xt:auth:0")
                .setTxHash("0xt")
                .setTxFrom(WALLET)
                .setBlockNumber(10)
                .setBlockHash(block)
                .setBlockTime(Instant.EPOCH)
                .setRemoved(removed)
                .build();
    }

    /** The records of block {@code hash} as one step writes them. */
    private static void written(WrittenEvents.Collector c, String hash, boolean removed) {
        c.transfer(transfer(hash, removed));
        c.approval(approval(hash, removed));
        c.delegation(delegation(hash, removed));
        c.head(head(hash, removed));
    }

    @Test
    void aBlockWrittenRetractedAndWrittenAgainIsReadBackWithEachEventOnce() {
        WrittenEvents.Collector c = new WrittenEvents.Collector(1, Set.of(A));
        written(c, A, false); // A at the tip
        written(c, A, true); // reorganised to B
        written(c, B, false);
        written(c, B, true); // and back to A
        written(c, A, false);

        BlockEvents a = c.blocks().get(A);

        assertThat(c.blocks()).containsOnlyKeys(A);
        assertThat(a.transfers()).extracting(TransferEvent::getEventId).containsExactly("1:" + A + ":0xt:call");
        assertThat(a.approvals()).hasSize(1);
        assertThat(a.delegations()).hasSize(1);
        assertThat(a.retracted().size()).isEqualTo(4);
    }

    @Test
    void anEventWhoseLastRecordIsARetractionIsNotRetractedAgain() {
        WrittenEvents.Collector c = new WrittenEvents.Collector(1, Set.of(A));
        c.head(head(A, false));
        c.transfer(transfer(A, false));
        c.transfer(transfer(A, true));

        assertThat(c.blocks().get(A).transfers()).isEmpty();
    }
}
