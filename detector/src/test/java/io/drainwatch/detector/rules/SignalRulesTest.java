package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.eth;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.schemas.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalRulesTest {
    private static final long DAY = 86_400_000L;
    private final Fixtures.Reference ref = new Fixtures.Reference();

    private static Finding signal(RuleId rule, Severity severity, long time, String eventId) {
        Transfer t = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), time);
        Evidence e = Evidence.of(t, 3000.0);
        return new Finding(
                rule,
                severity,
                1,
                "retail",
                WALLET,
                new Evidence(
                        eventId,
                        e.txHash(),
                        e.blockNumber(),
                        time,
                        WALLET,
                        STRANGER,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                rule.id() + " summary",
                "d",
                Map.of());
    }

    @Test
    void theFirstOutflowAfterNinetyIdleDaysIsALowSignal() {
        Activity seen = Activity.empty().seenAt(1);
        Transfer woke = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), 91 * DAY + 1);
        DormantWakeRule.Outcome out =
                DormantWakeRule.evaluate(woke, "retail", seen.seenAt(woke.blockTime()), ref, Fixtures.rules());
        assertThat(out.finding()).hasValueSatisfying(f -> {
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.summary()).contains("91 days");
            assertThat(OpenAlert.idFor(f)).isEqualTo("dormant-wake:1:" + WALLET + ":" + woke.blockNumber());
        });
        Transfer next = eth(WALLET, STRANGER, eth(1), eth(9), eth(8), 92 * DAY);
        assertThat(DormantWakeRule.evaluate(next, "retail", out.activity(), ref, Fixtures.rules())
                        .finding())
                .as("the wallet is awake now")
                .isEmpty();
    }

    @Test
    void aWalletNeverSeenCountsFromItsFirstEventAndOwnOperationsOrAGroupsLongerIdleDoNotFire() {
        Transfer first = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), 500 * DAY);
        assertThat(DormantWakeRule.evaluate(
                                first, "retail", Activity.empty().seenAt(first.blockTime()), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
        Activity seen = Activity.empty().seenAt(1);
        Transfer toHot = eth(WALLET, HOT, eth(1), eth(10), eth(9), 91 * DAY);
        assertThat(DormantWakeRule.evaluate(toHot, "retail", seen, ref, Fixtures.rules())
                        .finding())
                .isEmpty();
        Transfer woke = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), 91 * DAY);
        assertThat(DormantWakeRule.evaluate(
                                woke,
                                "retail",
                                seen,
                                ref,
                                Fixtures.rules("group.retail.rules.dormant-wake.idle", "180d"))
                        .finding())
                .isEmpty();
    }

    @Test
    void lowAndMediumSignalsOfDistinctRulesCombineIntoARaisedSeverityNamingThem() {
        var one = CombinedSignalsRule.evaluate(
                List.of(signal(RuleId.DORMANT_WAKE, Severity.LOW, 0, "e1")), Activity.empty(), Fixtures.rules());
        assertThat(one.finding()).as("one signal alone").isEmpty();
        var two = CombinedSignalsRule.evaluate(
                List.of(signal(RuleId.NEW_DESTINATION, Severity.LOW, 0, "e1")), one.activity(), Fixtures.rules());
        assertThat(two.finding()).hasValueSatisfying(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.summary()).contains("dormant-wake + new-destination").contains("score 2");
        });
        var three = CombinedSignalsRule.evaluate(
                List.of(signal(RuleId.UNKNOWN_APPROVAL, Severity.MEDIUM, 60_000, "a1")),
                two.activity(),
                Fixtures.rules());
        assertThat(three.finding()).hasValueSatisfying(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.summary()).contains("unknown-approval").contains("score 4");
        });
        var lowDrainAndVelocity = CombinedSignalsRule.evaluate(
                List.of(
                        signal(RuleId.BALANCE_DRAIN, Severity.LOW, 0, "t1"),
                        signal(RuleId.VELOCITY, Severity.MEDIUM, 0, "t1")),
                Activity.empty(),
                Fixtures.rules());
        assertThat(lowDrainAndVelocity.finding())
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void signalsOutsideTheWindowHighFindingsAndOneRuleRepeatedDoNotCombine() {
        var old = CombinedSignalsRule.evaluate(
                List.of(signal(RuleId.DORMANT_WAKE, Severity.LOW, 0, "e1")), Activity.empty(), Fixtures.rules());
        assertThat(CombinedSignalsRule.evaluate(
                                List.of(signal(RuleId.NEW_DESTINATION, Severity.LOW, 2 * 3_600_000L, "e2")),
                                old.activity(),
                                Fixtures.rules())
                        .finding())
                .isEmpty();
        assertThat(CombinedSignalsRule.evaluate(
                                List.of(
                                        signal(RuleId.DORMANT_WAKE, Severity.LOW, 0, "e1"),
                                        signal(RuleId.BALANCE_DRAIN, Severity.HIGH, 0, "e1")),
                                Activity.empty(),
                                Fixtures.rules())
                        .finding())
                .isEmpty();
        var repeated = CombinedSignalsRule.evaluate(
                List.of(signal(RuleId.VELOCITY, Severity.MEDIUM, 0, "e1")), Activity.empty(), Fixtures.rules());
        assertThat(CombinedSignalsRule.evaluate(
                                List.of(signal(RuleId.VELOCITY, Severity.MEDIUM, 1, "e2")),
                                repeated.activity(),
                                Fixtures.rules())
                        .finding())
                .isEmpty();
        assertThat(CombinedSignalsRule.evaluate(
                                List.of(signal(RuleId.UNKNOWN_APPROVAL, Severity.MEDIUM, 2, "e3")),
                                repeated.activity(),
                                Fixtures.rules("group.retail.rules.combined-signals.enabled", "false"))
                        .finding())
                .isEmpty();
    }
}
