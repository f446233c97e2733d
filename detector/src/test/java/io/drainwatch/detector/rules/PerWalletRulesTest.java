package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.eth;
import static io.drainwatch.detector.rules.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class PerWalletRulesTest {
    private final Fixtures.Reference ref = new Fixtures.Reference();
    private static final String FUNDER = "0x00000000000000000000000000000000000000f1";

    @Test
    void unauthorizedOutflowFiresOnlyForUnsignedMaterialOutflowsWhenEnabled() {
        Transfer t = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), 0);
        assertThat(UnauthorizedOutflowRule.applies(t, ref, Fixtures.rules()))
                .as("off by default")
                .isFalse();
        var on = Fixtures.rules("rules.unauthorized-outflow.enabled", "true");
        assertThat(UnauthorizedOutflowRule.applies(t, ref, on)).isTrue();
        assertThat(UnauthorizedOutflowRule.check(t, "retail", ref, on))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
        ref.signed.add(t.txHash());
        assertThat(UnauthorizedOutflowRule.check(t, "retail", ref, on)).isEmpty();
        var material = Fixtures.rules(
                "rules.unauthorized-outflow.enabled", "true", "rules.unauthorized-outflow.min-usd", "5000");
        assertThat(UnauthorizedOutflowRule.applies(t, ref, material))
                .as("$3,000 is under the $5,000 minimum")
                .isFalse();
    }

    @Test
    void denylistedCounterpartyFiresForConfiguredCategoriesOnly() {
        Transfer t = eth(WALLET, STRANGER, eth(0.01), eth(10), eth(9.99), 0);
        assertThat(DenylistedCounterpartyRule.evaluate(t, "retail", ref, Fixtures.rules()))
                .isEmpty();
        ref.labels.put(STRANGER, LabelCategory.MIXER);
        assertThat(DenylistedCounterpartyRule.evaluate(t, "retail", ref, Fixtures.rules()))
                .hasValueSatisfying(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.summary()).contains("mixer");
                });
        assertThat(DenylistedCounterpartyRule.evaluate(
                        t, "retail", ref, Fixtures.rules("rules.denylisted-counterparty.categories", "sanctioned")))
                .isEmpty();
        ref.labels.put(STRANGER, LabelCategory.EXCHANGE);
        assertThat(DenylistedCounterpartyRule.evaluate(t, "retail", ref, Fixtures.rules()))
                .isEmpty();
    }

    @Test
    void gasTopUpFromOutsideFollowedByTokenOutflowWithinTheWindowFires() {
        WalletState state = GasTopupSweepRule.onInflow(
                        eth(FUNDER, WALLET, eth(0.002), null, null, 0),
                        "retail",
                        WalletState.empty(),
                        ref,
                        Fixtures.rules())
                .state();
        Transfer sweep = token(
                WALLET,
                STRANGER,
                BigInteger.valueOf(1_000_000_000),
                BigInteger.valueOf(1_000_000_000),
                BigInteger.ZERO,
                60_000);
        assertThat(GasTopupSweepRule.onOutflow(sweep, "retail", state, ref, Fixtures.rules()))
                .hasValueSatisfying(f -> {
                    assertThat(f.rule()).isEqualTo(RuleId.GAS_TOPUP_SWEEP);
                    assertThat(f.severity()).isEqualTo(Severity.HIGH);
                });
        Transfer late = token(WALLET, STRANGER, BigInteger.TEN, BigInteger.TEN, BigInteger.ZERO, 11 * 60_000);
        assertThat(GasTopupSweepRule.onOutflow(late, "retail", state, ref, Fixtures.rules()))
                .as("after the window")
                .isEmpty();
        Transfer toHot = token(WALLET, HOT, BigInteger.TEN, BigInteger.TEN, BigInteger.ZERO, 60_000);
        assertThat(GasTopupSweepRule.onOutflow(toHot, "retail", state, ref, Fixtures.rules()))
                .as("consolidation to own hot wallet")
                .isEmpty();
    }

    @Test
    void gasTopUpThatAReorganisationRemovedIsForgotten() {
        Transfer topup = eth(FUNDER, WALLET, eth(0.002), null, null, 0);
        WalletState funded = WalletRules.onInflow(topup, "retail", WalletState.empty(), ref, Fixtures.rules())
                .state();
        Transfer removed = new Transfer(
                topup.chainId(),
                topup.from(),
                topup.to(),
                topup.kind(),
                topup.asset(),
                topup.amount(),
                topup.decimals(),
                topup.eventId(),
                topup.txHash(),
                topup.blockNumber(),
                topup.blockTime(),
                true,
                null,
                null,
                null,
                null);
        WalletState reorged = WalletRules.onInflow(removed, "retail", funded, ref, Fixtures.rules())
                .state();
        Transfer sweep = token(
                WALLET, STRANGER, BigInteger.valueOf(400), BigInteger.valueOf(1000), BigInteger.valueOf(600), 60_000);
        assertThat(WalletRules.onOutflow(sweep, "retail", reorged, ref, Fixtures.rules())
                        .findings())
                .extracting(Finding::rule)
                .doesNotContain(RuleId.GAS_TOPUP_SWEEP);
        assertThat(WalletRules.onOutflow(sweep, "retail", funded, ref, Fixtures.rules())
                        .findings())
                .extracting(Finding::rule)
                .contains(RuleId.GAS_TOPUP_SWEEP);
    }

    @Test
    void aTopUpFromAnEarlierBlockArrivingAfterTheSweepFiresTheSameFinding() {
        Transfer topup = eth(FUNDER, WALLET, eth(0.002), null, null, 0);
        Transfer sweep = token(
                WALLET,
                STRANGER,
                BigInteger.valueOf(1_000_000_000),
                BigInteger.valueOf(1_000_000_000),
                BigInteger.ZERO,
                60_000);
        WalletState afterTopup = GasTopupSweepRule.onInflow(topup, "retail", WalletState.empty(), ref, Fixtures.rules())
                .state();
        Finding inBlockOrder = GasTopupSweepRule.onOutflow(sweep, "retail", afterTopup, ref, Fixtures.rules())
                .orElseThrow();

        WalletRules.Outcome sweptFirst =
                WalletRules.onOutflow(sweep, "retail", WalletState.empty(), ref, Fixtures.rules());
        assertThat(sweptFirst.findings()).extracting(Finding::rule).doesNotContain(RuleId.GAS_TOPUP_SWEEP);
        WalletRules.Outcome topupSecond =
                WalletRules.onInflow(topup, "retail", sweptFirst.state(), ref, Fixtures.rules());

        assertThat(topupSecond.findings()).containsExactly(inBlockOrder);
        assertThat(WalletRules.onInflow(topup, "retail", topupSecond.state(), ref, Fixtures.rules())
                        .findings())
                .as("the same top-up again explains nothing new")
                .isEmpty();
    }

    @Test
    void gasFromTheCustodianItselfIsNotATopUp() {
        WalletState state = GasTopupSweepRule.onInflow(
                        eth(HOT, WALLET, eth(0.002), null, null, 0),
                        "retail",
                        WalletState.empty(),
                        ref,
                        Fixtures.rules())
                .state();
        assertThat(state.topup()).isNull();
    }

    @Test
    void newDestinationIsLowAndFreshRecipientsRaiseIt() {
        Transfer t = eth(WALLET, STRANGER, eth(5), eth(100), eth(95), 0);
        assertThat(NewDestinationRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules()))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
        Transfer fresh = new Transfer(
                1,
                WALLET,
                STRANGER,
                t.kind(),
                t.asset(),
                t.amount(),
                18,
                "f",
                "0xf",
                1,
                0,
                false,
                t.balanceBefore(),
                t.balanceAfter(),
                true,
                null);
        assertThat(NewDestinationRule.evaluate(fresh, "retail", WalletState.empty(), ref, Fixtures.rules()))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
        assertThat(NewDestinationRule.evaluate(
                        t, "retail", WalletState.empty().withCounterparty(STRANGER, 5), ref, Fixtures.rules()))
                .isEmpty();
        Transfer small = eth(WALLET, STRANGER, eth(1), eth(100), eth(99), 0);
        assertThat(NewDestinationRule.evaluate(small, "retail", WalletState.empty(), ref, Fixtures.rules()))
                .as("$3,000 < $10,000")
                .isEmpty();
    }

    @Test
    void attackersFirstSweepDoesNotWhitelistItsDestinationForTheNext() {
        Transfer first = eth(WALLET, STRANGER, eth(0.5), eth(10), eth(9.5), 0);
        WalletRules.Outcome one = WalletRules.onOutflow(
                first,
                "retail",
                WalletState.empty(),
                ref,
                Fixtures.rules("rules.unauthorized-outflow.enabled", "true"));
        assertThat(one.state().paidBefore(STRANGER))
                .as("unsigned payment with the signer feed on")
                .isFalse();
        Transfer rest = eth(WALLET, STRANGER, eth(9.5), eth(9.5), BigInteger.ZERO, 12_000);
        WalletRules.Outcome two = WalletRules.onOutflow(
                rest, "retail", one.state(), ref, Fixtures.rules("rules.unauthorized-outflow.enabled", "true"));
        assertThat(two.findings()).extracting(Finding::rule).contains(RuleId.BALANCE_DRAIN);
    }

    @Test
    void paymentToAnAddressPaidBeforeInALegitimateTransactionIsNotHandedToTheDestinationStage() {
        Transfer signed = eth(WALLET, STRANGER, eth(1), eth(10), eth(9), 0);
        ref.signed.add(signed.txHash());
        WalletRules.Outcome one = WalletRules.onOutflow(signed, "retail", WalletState.empty(), ref, Fixtures.rules());
        assertThat(one.payment()).isEmpty();
        Transfer again = eth(WALLET, STRANGER, eth(1), eth(9), eth(8), 12_000);
        WalletRules.Outcome two = WalletRules.onOutflow(again, "retail", one.state(), ref, Fixtures.rules());
        assertThat(two.payment()).isEmpty();
        Transfer elsewhere = eth(WALLET, "0x00000000000000000000000000000000000000c1", eth(1), eth(8), eth(7), 24_000);
        assertThat(WalletRules.onOutflow(elsewhere, "retail", two.state(), ref, Fixtures.rules())
                        .payment())
                .as("an address it never paid")
                .isPresent();
    }

    @Test
    void replayedEventChangesNothing() {
        Transfer t = eth(WALLET, STRANGER, eth(10), eth(10), BigInteger.ZERO, 0);
        WalletRules.Outcome first = WalletRules.onOutflow(t, "retail", WalletState.empty(), ref, Fixtures.rules());
        assertThat(first.findings()).isNotEmpty();
        WalletRules.Outcome again = WalletRules.onOutflow(t, "retail", first.state(), ref, Fixtures.rules());
        assertThat(again.findings()).isEmpty();
        assertThat(again.payment()).isEmpty();
    }

    @Test
    void lowDrainOfASmallWalletDoesNotMakeItsDestinationPaidBefore() {
        Transfer sweep = Fixtures.token(
                WALLET, STRANGER, BigInteger.valueOf(150_000_000), BigInteger.valueOf(150_000_000), BigInteger.ZERO, 0);
        WalletRules.Outcome one = WalletRules.onOutflow(sweep, "retail", WalletState.empty(), ref, Fixtures.rules());
        assertThat(one.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(RuleId.BALANCE_DRAIN);
            assertThat(f.severity()).isEqualTo(io.drainwatch.schemas.Severity.LOW);
            assertThat(f.rule().marksWalletDrained()).isTrue();
        });
        assertThat(one.state().paidBefore(STRANGER))
                .as("an emptying is no legitimate payment, whatever its value")
                .isFalse();
        assertThat(one.payment()).as("handed to the destination stage").isPresent();
    }
}
