package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static io.drainwatch.detector.rules.Fixtures.eth;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BalanceDrainRuleTest {
    private final Fixtures.Reference ref = new Fixtures.Reference();

    @Test
    void outflowLeavingOnePercentOrLessWorthOverTheMinimumFires() {
        Transfer t = eth(WALLET, STRANGER, eth(9.95), eth(10), eth(0.05), 0);
        BalanceDrainRule.Outcome outcome =
                BalanceDrainRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules());
        assertThat(outcome.finding()).hasValueSatisfying(f -> {
            assertThat(f.rule()).isEqualTo(RuleId.BALANCE_DRAIN);
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence().usd()).isEqualTo(29_850.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(f.summary()).contains("0.50% left");
        });
    }

    @Test
    void outflowLeavingMoreThanTheFractionDoesNotFire() {
        Transfer t = eth(WALLET, STRANGER, eth(9.8), eth(10), eth(0.2), 0);
        assertThat(BalanceDrainRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
    }

    @Test
    void drainWorthLessThanTheMinimumIsLowAndAtTheMinimumHigh() {
        Transfer t = eth(WALLET, STRANGER, eth(0.3), eth(0.3), BigInteger.ZERO, 0); // $900
        assertThat(BalanceDrainRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .hasValueSatisfying(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.LOW);
                    assertThat(f.description()).contains("pages only when several of the group's wallets");
                });
        assertThat(BalanceDrainRule.evaluate(
                                t,
                                "retail",
                                WalletState.empty(),
                                ref,
                                Fixtures.rules("rules.balance-drain.min-usd", "900"))
                        .finding())
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void emptyingATwentyDollarWalletIsALowDrain() {
        Transfer t = Fixtures.token(WALLET, STRANGER, usdc(20), usdc(20), BigInteger.ZERO, 0);
        assertThat(BalanceDrainRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .hasValueSatisfying(f -> {
                    assertThat(f.rule()).isEqualTo(RuleId.BALANCE_DRAIN);
                    assertThat(f.severity()).isEqualTo(Severity.LOW);
                    assertThat(f.evidence().usd()).isEqualTo(20.0);
                });
    }

    @Test
    void smallWalletsEmptiedToOwnAllowlistedOrPaidBeforeAddressesAreNoDrain() {
        Transfer toHot = Fixtures.token(WALLET, HOT, usdc(150), usdc(150), BigInteger.ZERO, 0);
        assertThat(BalanceDrainRule.evaluate(toHot, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .as("consolidation to the custodian's hot wallet")
                .isEmpty();
        WalletState paid = WalletState.empty().withCounterparty(STRANGER, 16);
        Transfer toPaid = Fixtures.token(WALLET, STRANGER, usdc(150), usdc(150), BigInteger.ZERO, 0);
        assertThat(BalanceDrainRule.evaluate(toPaid, "retail", paid, ref, Fixtures.rules())
                        .finding())
                .as("a full withdrawal to an address the wallet paid before")
                .isEmpty();
    }

    private static BigInteger usdc(double amount) {
        return java.math.BigDecimal.valueOf(amount).movePointRight(6).toBigInteger();
    }

    @Test
    void outflowsAddUpWithinTheWindowButNotAcrossIt() {
        WalletState state = WalletState.empty();
        Transfer first = eth(WALLET, STRANGER, eth(5), eth(10), eth(5), 0);
        BalanceDrainRule.Outcome one = BalanceDrainRule.evaluate(first, "retail", state, ref, Fixtures.rules());
        assertThat(one.finding()).isEmpty();
        Transfer second = eth(WALLET, STRANGER, eth(4.95), eth(5), eth(0.05), 9 * 60_000);
        assertThat(BalanceDrainRule.evaluate(second, "retail", one.state(), ref, Fixtures.rules())
                        .finding())
                .as("0.5% of the window's starting balance")
                .isPresent();

        Transfer late = eth(WALLET, STRANGER, eth(4.95), eth(5), eth(0.05), 11 * 60_000);
        assertThat(BalanceDrainRule.evaluate(late, "retail", one.state(), ref, Fixtures.rules())
                        .finding())
                .as("window over: 1% of 5 ETH is left, not of 10")
                .isPresent();
        Transfer lateSmall = eth(WALLET, STRANGER, eth(4.9), eth(5), eth(0.1), 11 * 60_000);
        assertThat(BalanceDrainRule.evaluate(lateSmall, "retail", one.state(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
    }

    @Test
    void ownAllowlistedPreviouslyPaidAndSignedDestinationsAreLegitimate() {
        Transfer toHot = eth(WALLET, HOT, eth(10), eth(10), BigInteger.ZERO, 0);
        assertThat(BalanceDrainRule.evaluate(toHot, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();

        Transfer toKnown = eth(WALLET, STRANGER, eth(10), eth(10), BigInteger.ZERO, 0);
        WalletState paid = WalletState.empty().withCounterparty(STRANGER, 10);
        assertThat(BalanceDrainRule.evaluate(toKnown, "retail", paid, ref, Fixtures.rules())
                        .finding())
                .isEmpty();

        ref.signed.add(toKnown.txHash());
        assertThat(BalanceDrainRule.evaluate(toKnown, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
    }

    @Test
    void legitimateOutflowsInTheWindowAreNeitherDrainedValueNorTheBalanceADrainIsJudgedBy() {
        WalletState state = WalletState.empty();
        Transfer withdrawal = eth(WALLET, HOT, eth(9.99), eth(10), eth(0.01), 0);
        BalanceDrainRule.Outcome one = BalanceDrainRule.evaluate(withdrawal, "retail", state, ref, Fixtures.rules());
        assertThat(one.finding()).isEmpty();
        Transfer small = eth(WALLET, STRANGER, eth(0.005), eth(0.01), eth(0.005), 60_000); // $15
        assertThat(BalanceDrainRule.evaluate(small, "retail", one.state(), ref, Fixtures.rules())
                        .finding())
                .as("$15 of what the withdrawal left is no drain")
                .isEmpty();

        Transfer toHot = eth(WALLET, HOT, eth(5), eth(10), eth(5), 0);
        BalanceDrainRule.Outcome half = BalanceDrainRule.evaluate(toHot, "retail", state, ref, Fixtures.rules());
        Transfer rest = eth(WALLET, STRANGER, eth(4.95), eth(5), eth(0.05), 60_000);
        assertThat(BalanceDrainRule.evaluate(rest, "retail", half.state(), ref, Fixtures.rules())
                        .finding())
                .as("1% of the 5 ETH left after the consolidation, and only the 4.95 ETH taken is drained")
                .hasValueSatisfying(
                        f -> assertThat(f.summary()).contains("$14,850").contains("1.00% left"));
    }

    @Test
    void depositDuringTheWindowRaisesTheBalanceADrainIsJudgedBy() {
        Transfer first = eth(WALLET, STRANGER, eth(5), eth(10), eth(5), 0);
        BalanceDrainRule.Outcome one =
                BalanceDrainRule.evaluate(first, "retail", WalletState.empty(), ref, Fixtures.rules());
        WalletState deposited = BalanceDrainRule.onInflow(
                eth(HOT, WALLET, eth(100), null, null, 60_000), one.state(), Fixtures.rules());
        Transfer second = eth(WALLET, STRANGER, eth(104), eth(105), eth(1), 120_000);
        assertThat(BalanceDrainRule.evaluate(second, "retail", deposited, ref, Fixtures.rules())
                        .finding())
                .as("1 ETH left of the 110 ETH there was to take")
                .hasValueSatisfying(
                        f -> assertThat(f.summary()).contains("$327,000").contains("0.91% left"));

        Transfer partial = eth(WALLET, STRANGER, eth(50), eth(105), eth(55), 120_000);
        assertThat(BalanceDrainRule.evaluate(partial, "retail", deposited, ref, Fixtures.rules())
                        .finding())
                .isEmpty();
    }

    @Test
    void depositThatAReorganisationRemovedNoLongerCountsTowardsTheWindow() {
        Transfer first = eth(WALLET, STRANGER, eth(5), eth(10), eth(5), 0);
        WalletState one = BalanceDrainRule.evaluate(first, "retail", WalletState.empty(), ref, Fixtures.rules())
                .state();
        Transfer deposit = eth(HOT, WALLET, eth(100), null, null, 60_000);
        WalletState deposited = BalanceDrainRule.onInflow(deposit, one, Fixtures.rules());
        WalletState reorged = BalanceDrainRule.onInflowRemoved(deposit, deposited, Fixtures.rules());
        Transfer second = eth(WALLET, STRANGER, eth(4), eth(5), eth(1), 120_000);
        assertThat(BalanceDrainRule.evaluate(second, "retail", deposited, ref, Fixtures.rules())
                        .finding())
                .as("judged against a deposit that is still there")
                .isPresent();
        assertThat(BalanceDrainRule.evaluate(second, "retail", reorged, ref, Fixtures.rules())
                        .finding())
                .as("1 ETH of 10 left")
                .isEmpty();
    }

    @Test
    void unknownBalanceCannotBeJudgedAndAnUnpricedEmptiedAssetIsALowDrain() {
        Transfer noBalance = eth(WALLET, STRANGER, eth(10), null, null, 0);
        assertThat(BalanceDrainRule.evaluate(noBalance, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
        Transfer unpriced = new Transfer(
                1,
                WALLET,
                STRANGER,
                io.drainwatch.schemas.TransferKind.ERC20,
                "0x00000000000000000000000000000000000000ee",
                BigInteger.TEN,
                0,
                "u",
                "0xu",
                1,
                0,
                false,
                BigInteger.TEN,
                BigInteger.ZERO,
                null,
                null);
        assertThat(BalanceDrainRule.evaluate(unpriced, "retail", WalletState.empty(), ref, Fixtures.rules())
                        .finding())
                .as("an emptied wallet is a drain whatever its value, even unpriced; low without a value")
                .hasValueSatisfying(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.LOW);
                    assertThat(f.summary()).contains("an unpriced amount");
                });
    }

    @Test
    void disabledRuleNeverFires() {
        Transfer t = eth(WALLET, STRANGER, eth(10), eth(10), BigInteger.ZERO, 0);
        assertThat(BalanceDrainRule.evaluate(
                                t,
                                "retail",
                                WalletState.empty(),
                                ref,
                                Fixtures.rules("rules.balance-drain.enabled", "false"))
                        .finding())
                .isEmpty();
    }

    @Test
    void theTextClaimsNoMissingSignatureWithoutTheSignerLog() {
        Transfer t = eth(WALLET, STRANGER, eth(10), eth(10), BigInteger.ZERO, 0);

        Finding withoutLog = BalanceDrainRule.evaluate(t, "retail", WalletState.empty(), ref, Fixtures.rules())
                .finding()
                .orElseThrow();
        Finding withLog = BalanceDrainRule.evaluate(
                        t,
                        "retail",
                        WalletState.empty(),
                        ref,
                        Fixtures.rules("rules.unauthorized-outflow.enabled", "true"))
                .finding()
                .orElseThrow();

        assertThat(withoutLog.description())
                .doesNotContain("did not authorise", "has no record")
                .contains("cannot tell whether the custodian authorised");
        assertThat(withLog.description()).contains("The custodian's signer has no record of the transaction");
    }
}
