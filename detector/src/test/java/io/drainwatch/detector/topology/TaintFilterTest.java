package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filter's taint check, in the consumer's batch pre-filter and in the per-record check alike. */
class TaintFilterTest {
    private static final String VICTIM = Chain.address(0x101);
    private static final String HOP = Chain.address(0xa2);
    private final Chain chain = new Chain(Instant.parse("2026-06-11T03:00:00Z"));
    private final WatchedWalletsStore watched = new WatchedWalletsStore();
    private final TaintedAddressesStore tainted =
            new TaintedAddressesStore(DetectorConfig.withOverrides(Map.of(), "unused:9092"));

    private byte[] alert(String rule, AlertStatus status) {
        return AvroSerde.of(DrainAlert.class)
                .encode(DrainAlert.newBuilder()
                        .setAlertId(rule + ":1:" + VICTIM + ":101")
                        .setRule(rule)
                        .setSeverity(Severity.HIGH)
                        .setStatus(status)
                        .setVersion(1)
                        .setChainId(1)
                        .setCustodyGroup("retail")
                        .setSubject(VICTIM)
                        .setWallets(List.of(VICTIM))
                        .setDestination(HOP)
                        .setTxHashes(List.of("0xdrain"))
                        .setFirstBlock(101)
                        .setLastBlock(101)
                        .setFirstEvidenceTime(Instant.ofEpochMilli(chain.time()))
                        .setLastEvidenceTime(Instant.ofEpochMilli(chain.time()))
                        .setDetectedAt(Instant.ofEpochMilli(chain.time()))
                        .setSummary("s")
                        .setDescription("d")
                        .build());
    }

    private boolean[] ignorable(TransferEvent... events) {
        WatchedTransferCheck check = new WatchedTransferCheck(watched);
        byte[][] values = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            values[i] = AvroSerde.of(TransferEvent.class).encode(events[i]);
        }
        boolean[] batch = new boolean[events.length];
        check.ignorable(values, events.length, batch);
        for (int i = 0; i < events.length; i++) {
            assertThat(check.ignorable(values[i])).as("single and batch agree").isEqualTo(batch[i]);
        }
        return batch;
    }

    @Test
    void transfersFromAnAddressThatReceivedDrainedFundsPassThePreFilterUntilTheTaintIsRetracted() {
        watched.linkTainted(tainted);
        TransferEvent fromHop = chain.eth(HOP, Chain.address(0xe0), BigInteger.ONE, null, null);
        TransferEvent toHop = chain.eth(Chain.address(0x77), HOP, BigInteger.ONE, null, null);
        assertThat(ignorable(fromHop, toHop)).containsExactly(true, true);

        tainted.apply(null, alert("new-destination", AlertStatus.FIRING));
        assertThat(ignorable(fromHop))
                .as("a signal that is no drain taints nothing")
                .containsExactly(true);

        tainted.apply(null, alert("balance-drain", AlertStatus.FIRING));
        assertThat(ignorable(fromHop, toHop))
                .as("only what the tainted address sends is followed")
                .containsExactly(false, true);
        assertThat(tainted.taint(1, HOP))
                .hasValueSatisfying(t -> assertThat(t.victims()).containsExactly(VICTIM));

        tainted.apply(null, alert("balance-drain", AlertStatus.RETRACTED));
        assertThat(ignorable(fromHop)).containsExactly(true);
    }
}
