package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class FundsExitRuleTest {
    private static final String EXIT = "0x00000000000000000000000000000000000000e0";
    private static final long DAY = 86_400_000L;
    private final Fixtures.Reference ref = new Fixtures.Reference();
    private final Taint taint = new Taint(
            STRANGER,
            1,
            "retail",
            List.of(WALLET),
            "balance-drain",
            "balance-drain:1:" + WALLET + ":100",
            List.of("0xdrain"),
            100,
            0,
            7 * DAY);

    private static Transfer hop(long time) {
        return token(STRANGER, EXIT, BigInteger.valueOf(1_000_000_000L), null, null, time);
    }

    @Test
    void aTaintedAddressPayingAnExchangeIsHighAndNamesThePathWithADeterministicId() {
        ref.labels.put(EXIT, LabelCategory.EXCHANGE);
        Finding f =
                FundsExitRule.evaluate(hop(DAY), taint, ref, Fixtures.rules()).orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.subject()).isEqualTo(STRANGER);
        assertThat(f.description())
                .contains(WALLET)
                .contains("0xdrain")
                .contains(EXIT)
                .contains("exchange");
        assertThat(OpenAlert.idFor(f))
                .isEqualTo(OpenAlert.idFor(FundsExitRule.evaluate(hop(DAY), taint, ref, Fixtures.rules())
                        .orElseThrow()));
    }

    @Test
    void unlabelledDestinationsExpiredTaintsAndRemovedHopsRaiseNothing() {
        assertThat(FundsExitRule.evaluate(hop(DAY), taint, ref, Fixtures.rules()))
                .isEmpty();
        ref.labels.put(EXIT, LabelCategory.BRIDGE);
        assertThat(FundsExitRule.evaluate(hop(8 * DAY), taint, ref, Fixtures.rules()))
                .as("expired")
                .isEmpty();
        Transfer removed = hop(DAY);
        removed = new Transfer(
                removed.chainId(),
                removed.from(),
                removed.to(),
                removed.kind(),
                removed.asset(),
                removed.amount(),
                removed.decimals(),
                removed.eventId(),
                removed.txHash(),
                removed.blockNumber(),
                removed.blockTime(),
                true,
                null,
                null,
                null,
                null);
        assertThat(FundsExitRule.evaluate(removed, taint, ref, Fixtures.rules()))
                .isEmpty();
    }

    @Test
    void aGroupCanNarrowTheExitCategories() {
        ref.labels.put(EXIT, LabelCategory.EXCHANGE);
        assertThat(FundsExitRule.evaluate(
                        hop(DAY),
                        taint,
                        ref,
                        Fixtures.rules("group.retail.rules.funds-exit.exit-categories", "mixer,bridge")))
                .isEmpty();
    }
}
