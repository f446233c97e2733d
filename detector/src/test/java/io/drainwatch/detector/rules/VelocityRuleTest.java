package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VelocityRuleTest {
    private static final BigInteger DOLLAR = BigInteger.valueOf(1_000_000);
    private final Fixtures.Reference ref = new Fixtures.Reference();

    /** Sends {@code share} of what is left, {@code steps} times, 2 minutes apart; the findings in order. */
    private List<Optional<Finding>> drip(String to, double share, int steps, RuleSettings rules, Activity start) {
        BigInteger left = DOLLAR.multiply(BigInteger.valueOf(10_000));
        Activity activity = start;
        List<Optional<Finding>> findings = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            BigInteger amount = new java.math.BigDecimal(left)
                    .multiply(java.math.BigDecimal.valueOf(share))
                    .toBigInteger();
            BigInteger after = left.subtract(amount);
            long time = 3_600_000L * 100 + i * 120_000L;
            Transfer out = token(WALLET, to, amount, left, after, time);
            VelocityRule.Outcome o = VelocityRule.evaluate(
                    out, "retail", WalletState.empty(), after.doubleValue() / 1e6, activity, ref, rules, false);
            findings.add(o.finding());
            activity = o.activity();
            left = after;
        }
        return findings;
    }

    @Test
    void aWalletDrainedInFifteenPercentStepsIsMediumAtOnceAndHighBeforeItIsEmpty() {
        List<Optional<Finding>> findings = drip(STRANGER, 0.15, 6, Fixtures.rules(), Activity.empty());
        assertThat(findings.get(0))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
        assertThat(findings.get(3))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
        // after 5 steps 0.85^5 = 44% is left: 56% went to the unknown address
        assertThat(findings.get(4)).hasValueSatisfying(f -> {
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.summary()).contains("56%");
        });
        assertThat(OpenAlert.idFor(findings.get(0).orElseThrow()))
                .isEqualTo(OpenAlert.idFor(drip(STRANGER, 0.15, 1, Fixtures.rules(), Activity.empty())
                        .get(0)
                        .orElseThrow()));
    }

    @Test
    void oneWithdrawalOfMostOfTheWalletIsMediumAndSmallWalletsStayUnderTheFloor() {
        assertThat(drip(STRANGER, 0.7, 1, Fixtures.rules(), Activity.empty()).get(0))
                .as("one payment of 70% is what a user withdrawing looks like")
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
        RuleSettings small = Fixtures.rules("rules.velocity.min-usd", "20000");
        assertThat(drip(STRANGER, 0.15, 6, small, Activity.empty())).allMatch(Optional::isEmpty);
    }

    @Test
    void paymentsToTheCustodiansOwnAddressesNeverCount() {
        assertThat(drip(HOT, 0.15, 6, Fixtures.rules(), Activity.empty())).allMatch(Optional::isEmpty);
    }

    @Test
    void aGroupsFloorAndTheWalletsLearnedBaselineRaiseTheLimit() {
        RuleSettings treasury = Fixtures.rules(
                "group.retail.rules.velocity.min-usd", "5000", "group.retail.rules.velocity.high-fraction", "0.9");
        List<Optional<Finding>> findings = drip(STRANGER, 0.10, 3, treasury, Activity.empty());
        assertThat(findings.get(0)).as("$1,000 is under the group's $5,000").isEmpty();
        assertThat(findings.get(2)).as("$2,710 in total, still under").isEmpty();

        Activity busy = new Activity(List.of(), 3_600_000L * 99, 0, 10_000, 0, 0, List.of());
        assertThat(drip(STRANGER, 0.10, 3, Fixtures.rules(), busy))
                .as("a wallet that normally sends $10,000 an hour")
                .allMatch(Optional::isEmpty);
    }

    @Test
    void anOutflowThatEmptiesTheWalletIsLeftToBalanceDrainAndTheRuleCanBeTurnedOff() {
        Transfer all = token(
                WALLET,
                STRANGER,
                DOLLAR.multiply(BigInteger.valueOf(9_990)),
                DOLLAR.multiply(BigInteger.valueOf(10_000)),
                DOLLAR.multiply(BigInteger.TEN),
                0);
        assertThat(VelocityRule.evaluate(
                                all, "retail", WalletState.empty(), 10, Activity.empty(), ref, Fixtures.rules(), true)
                        .finding())
                .isEmpty();
        assertThat(drip(STRANGER, 0.15, 6, Fixtures.rules("rules.velocity.enabled", "false"), Activity.empty()))
                .allMatch(Optional::isEmpty);
    }
}
