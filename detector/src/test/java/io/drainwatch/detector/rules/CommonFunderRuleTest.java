package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.OTHER_WALLET;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.eth;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommonFunderRuleTest {
    private static final String FUNDER = "0x00000000000000000000000000000000000000f1";
    private final Fixtures.Reference ref = new Fixtures.Reference();

    private static String wallet(int i) {
        return String.format("0x%040x", 0x300 + i);
    }

    /** 0.002 ETH ($6) of gas from {@code from} to {@code to} at {@code time}. */
    private static Transfer gas(String from, String to, long time) {
        Transfer t = eth(from, to, eth(0.002), null, null, time);
        return new Transfer(
                t.chainId(),
                t.from(),
                t.to(),
                t.kind(),
                t.asset(),
                t.amount(),
                t.decimals(),
                "gas-" + to + "-" + time,
                "0xgas" + to.substring(36) + time,
                t.blockNumber(),
                t.blockTime(),
                false,
                null,
                null,
                null,
                null);
    }

    private Optional<Funding> funding(Transfer t, RuleSettings rules) {
        return CommonFunderRule.funding(t, "retail", ref, rules);
    }

    @Test
    void thirdWalletFundedByOneOutsideAddressWithinTheWindowIsCriticalAndNamesThemAll() {
        RuleSettings rules = Fixtures.rules();
        CommonFunderRule.FunderState state = CommonFunderRule.FunderState.empty();
        for (int i = 1; i <= 2; i++) {
            CommonFunderRule.Outcome o = CommonFunderRule.evaluate(
                    funding(gas(FUNDER, wallet(i), i * 60_000L), rules).orElseThrow(), state, rules);
            assertThat(o.finding()).isEmpty();
            state = o.state();
        }
        CommonFunderRule.Outcome again = CommonFunderRule.evaluate(
                funding(gas(FUNDER, wallet(2), 150_000), rules).orElseThrow(), state, rules);
        assertThat(again.finding())
                .as("the same wallet funded twice is one wallet")
                .isEmpty();
        CommonFunderRule.Outcome third = CommonFunderRule.evaluate(
                funding(gas(FUNDER, wallet(3), 29 * 60_000L + 60_000), rules).orElseThrow(), again.state(), rules);
        assertThat(third.finding()).hasValueSatisfying(f -> {
            assertThat(f.rule()).isEqualTo(RuleId.COMMON_FUNDER);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.subject()).isEqualTo(FUNDER);
            assertThat(f.description()).contains(wallet(1), wallet(2), wallet(3));
        });
        assertThat(third.implicated())
                .extracting(Funding::wallet)
                .containsExactly(wallet(1), wallet(2), wallet(2), wallet(3));
        CommonFunderRule.Outcome fourth = CommonFunderRule.evaluate(
                funding(gas(FUNDER, wallet(4), 31 * 60_000L), rules).orElseThrow(), third.state(), rules);
        assertThat(fourth.implicated())
                .as("once firing, each new top-up is cited as it comes")
                .extracting(Funding::wallet)
                .containsExactly(wallet(4));
    }

    @Test
    void walletsFundedFurtherApartThanTheWindowDoNotFire() {
        RuleSettings rules = Fixtures.rules();
        CommonFunderRule.FunderState state = CommonFunderRule.FunderState.empty();
        Optional<Finding> last = Optional.empty();
        for (int i = 1; i <= 3; i++) {
            CommonFunderRule.Outcome o = CommonFunderRule.evaluate(
                    funding(gas(FUNDER, wallet(i), i * 16 * 60_000L), rules).orElseThrow(), state, rules);
            state = o.state();
            last = o.finding();
        }
        assertThat(last).as("the first top-up left the 30-minute window").isEmpty();
        assertThat(CommonFunderRule.expired(state, 3 * 16 * 60_000L + 2 * 30 * 60_000L + 1, g -> rules))
                .isTrue();
        assertThat(CommonFunderRule.expired(state, 3 * 16 * 60_000L + 30 * 60_000L, g -> rules))
                .isFalse();
    }

    @Test
    void theCustodianServicesAndDepositsLargerThanGasAreNoFunding() {
        RuleSettings rules = Fixtures.rules();
        assertThat(funding(gas(HOT, WALLET, 0), rules)).as("own hot wallet").isEmpty();
        assertThat(funding(gas(OTHER_WALLET, WALLET, 0), rules))
                .as("another watched wallet")
                .isEmpty();
        ref.labels.put(FUNDER, LabelCategory.EXCHANGE);
        assertThat(funding(gas(FUNDER, WALLET, 0), rules))
                .as("a labelled exchange")
                .isEmpty();
        ref.labels.clear();
        Transfer deposit = eth(FUNDER, WALLET, eth(0.5), null, null, 0); // $1,500
        assertThat(funding(deposit, rules)).as("a deposit, not gas").isEmpty();
        assertThat(funding(deposit, Fixtures.rules("rules.common-funder.max-usd", "2000")))
                .isPresent();
        Transfer token = Fixtures.token(FUNDER, WALLET, BigInteger.ONE, null, null, 0);
        assertThat(funding(token, rules)).as("tokens are not gas").isEmpty();
        assertThat(funding(gas(FUNDER, WALLET, 0), rules)).isPresent();
    }

    @Test
    void thresholdIsConfigurableAndTheRuleCanBeDisabled() {
        RuleSettings two = Fixtures.rules("rules.common-funder.min-wallets", "2");
        CommonFunderRule.Outcome one = CommonFunderRule.evaluate(
                funding(gas(FUNDER, wallet(1), 0), two).orElseThrow(), CommonFunderRule.FunderState.empty(), two);
        assertThat(CommonFunderRule.evaluate(
                                funding(gas(FUNDER, wallet(2), 1000), two).orElseThrow(), one.state(), two)
                        .finding())
                .isPresent();
        RuleSettings off =
                Fixtures.rules("rules.common-funder.min-wallets", "2", "rules.common-funder.enabled", "false");
        assertThat(CommonFunderRule.evaluate(
                                funding(gas(FUNDER, wallet(2), 1000), off).orElseThrow(), one.state(), off)
                        .finding())
                .isEmpty();
    }

    @Test
    void aFundingTheChainReorganisedAwayIsForgotten() {
        RuleSettings rules = Fixtures.rules();
        Funding first = funding(gas(FUNDER, wallet(1), 0), rules).orElseThrow();
        CommonFunderRule.FunderState state = CommonFunderRule.evaluate(
                        first, CommonFunderRule.FunderState.empty(), rules)
                .state();
        state = CommonFunderRule.evaluate(
                        funding(gas(FUNDER, wallet(2), 1000), rules).orElseThrow(), state, rules)
                .state();
        state = CommonFunderRule.remove(first, state);
        assertThat(state.wallets()).containsExactly(wallet(2));
        assertThat(CommonFunderRule.evaluate(
                                funding(gas(FUNDER, wallet(3), 2000), rules).orElseThrow(), state, rules)
                        .finding())
                .isEmpty();
    }
}
