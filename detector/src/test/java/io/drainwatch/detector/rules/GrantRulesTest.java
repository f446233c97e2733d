package io.drainwatch.detector.rules;

import static io.drainwatch.detector.rules.Fixtures.HOT;
import static io.drainwatch.detector.rules.Fixtures.STRANGER;
import static io.drainwatch.detector.rules.Fixtures.TOKEN;
import static io.drainwatch.detector.rules.Fixtures.WALLET;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class GrantRulesTest {
    private static final String SPENDER = "0x00000000000000000000000000000000000000e1";
    private static final String THIEF = "0x00000000000000000000000000000000000000e2";
    private final Fixtures.Reference ref = new Fixtures.Reference();

    private static Approval approval(String spender, BigInteger amount, ApprovalKind kind, long block) {
        return new Approval(
                1,
                WALLET,
                spender,
                kind,
                TOKEN,
                amount,
                amount == null || amount.signum() > 0,
                new Inclusion("a-" + block, "0xa" + block, WALLET, block, block * 12_000, false));
    }

    private static Delegation delegation(String delegate, long block) {
        return new Delegation(
                1,
                WALLET,
                delegate,
                0,
                new Inclusion("d-" + block, "0xd" + block, WALLET, block, block * 12_000, false));
    }

    private static Transfer pulled(String txFrom, long block) {
        return new Transfer(
                1,
                WALLET,
                THIEF,
                TransferKind.ERC20,
                TOKEN,
                BigInteger.valueOf(5_000_000_000L),
                6,
                "t-" + block,
                "0xt" + block,
                block,
                block * 12_000,
                false,
                null,
                null,
                null,
                txFrom);
    }

    @Test
    void approvalToAnUnknownSpenderIsMediumAndUnlimitedOrDenylistedOnesAreHigh() {
        var limited = UnknownApprovalRule.onApproval(
                approval(SPENDER, BigInteger.valueOf(100), ApprovalKind.ERC20_APPROVAL, 1),
                "retail",
                Grants.empty(),
                ref,
                Fixtures.rules());
        assertThat(limited.finding())
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
        assertThat(UnknownApprovalRule.onApproval(
                                approval(SPENDER, Approval.MAX_UINT256, ApprovalKind.ERC20_APPROVAL, 1),
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules())
                        .finding())
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
        assertThat(UnknownApprovalRule.onApproval(
                                approval(SPENDER, Approval.MAX_UINT160, ApprovalKind.PERMIT2_APPROVAL, 1),
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules())
                        .finding())
                .as("Permit2's uint160 maximum is unlimited")
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
        assertThat(UnknownApprovalRule.onApproval(
                                approval(SPENDER, null, ApprovalKind.APPROVAL_FOR_ALL, 1),
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules())
                        .finding())
                .hasValueSatisfying(f -> assertThat(f.summary()).contains("every token"));
        ref.labels.put(SPENDER, LabelCategory.DRAINER);
        assertThat(limited.finding()).isPresent();
        assertThat(UnknownApprovalRule.onApproval(
                                approval(SPENDER, BigInteger.valueOf(100), ApprovalKind.ERC20_APPROVAL, 1),
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules())
                        .finding())
                .hasValueSatisfying(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.HIGH);
                    assertThat(f.description()).contains("labelled drainer");
                });
    }

    @Test
    void approvalToTheCustodiansOwnAddressOrWhenTurnedOffForTheGroupRaisesNothing() {
        Approval toHot = approval(HOT, Approval.MAX_UINT256, ApprovalKind.ERC20_APPROVAL, 1);
        assertThat(UnknownApprovalRule.onApproval(toHot, "retail", Grants.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
        Approval toSpender = approval(SPENDER, Approval.MAX_UINT256, ApprovalKind.ERC20_APPROVAL, 1);
        assertThat(UnknownApprovalRule.onApproval(
                                toSpender,
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules("group.retail.rules.unknown-approval.enabled", "false"))
                        .finding())
                .isEmpty();
    }

    @Test
    void signerClaimsFollowWhetherTheGroupsSignerLogIsInUse() {
        Approval a = approval(SPENDER, BigInteger.valueOf(100), ApprovalKind.ERC20_APPROVAL, 1);
        var noLog = UnknownApprovalRule.onApproval(a, "retail", Grants.empty(), ref, Fixtures.rules());
        assertThat(noLog.awaitSignature()).isFalse();
        assertThat(noLog.finding().orElseThrow().description())
                .contains("cannot tell")
                .doesNotContain("no record");

        var withLog = Fixtures.rules("rules.unauthorized-outflow.enabled", "true");
        var logged = UnknownApprovalRule.onApproval(a, "retail", Grants.empty(), ref, withLog);
        assertThat(logged.awaitSignature()).isTrue();
        assertThat(UnknownApprovalRule.checkSigned(a, "retail", logged.grants(), ref, withLog))
                .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
        ref.signed.add(a.at().txHash());
        assertThat(UnknownApprovalRule.checkSigned(a, "retail", logged.grants(), ref, withLog))
                .isEmpty();
    }

    @Test
    void theSpenderMovingTheTokenRaisesTheAlertOneStepNamingItAndARevocationEndsIt() {
        Approval a = approval(SPENDER, BigInteger.valueOf(100), ApprovalKind.ERC20_APPROVAL, 1);
        Grants grants = UnknownApprovalRule.onApproval(a, "retail", Grants.empty(), ref, Fixtures.rules())
                .grants();
        assertThat(UnknownApprovalRule.onOutflow(pulled(SPENDER, 2), "retail", grants, ref))
                .hasValueSatisfying(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.HIGH);
                    assertThat(f.description()).contains(SPENDER);
                    assertThat(f.thresholds()).containsEntry("spender", SPENDER);
                });
        assertThat(UnknownApprovalRule.onOutflow(pulled(WALLET, 2), "retail", grants, ref))
                .as("the wallet sending its own tokens is not the spender")
                .isEmpty();

        var revoked = UnknownApprovalRule.onApproval(
                approval(SPENDER, BigInteger.ZERO, ApprovalKind.ERC20_APPROVAL, 3),
                "retail",
                grants,
                ref,
                Fixtures.rules());
        assertThat(revoked.resolve()).isTrue();
        assertThat(UnknownApprovalRule.onOutflow(pulled(SPENDER, 4), "retail", revoked.grants(), ref))
                .isEmpty();
    }

    @Test
    void delegationToAnUnknownContractIsCriticalWithADeterministicIdAndForwardsJoinIt() {
        var out =
                DelegationRule.onDelegation(delegation(STRANGER, 10), "retail", Grants.empty(), ref, Fixtures.rules());
        Finding f = out.finding().orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(OpenAlert.idFor(f)).isEqualTo("delegation:1:" + WALLET + ":10");
        assertThat(OpenAlert.idFor(DelegationRule.onDelegation(
                                delegation(STRANGER, 10), "retail", Grants.empty(), ref, Fixtures.rules())
                        .finding()
                        .orElseThrow()))
                .as("a replay gives the same id")
                .isEqualTo(OpenAlert.idFor(f));

        assertThat(DelegationRule.onOutflow(pulled(THIEF, 9), "retail", out.grants(), ref))
                .as("before the delegation")
                .isEmpty();
        assertThat(DelegationRule.onOutflow(pulled(THIEF, 11), "retail", out.grants(), ref))
                .hasValueSatisfying(g -> assertThat(g.summary()).contains("forwarded"));

        var cleared = DelegationRule.onDelegation(
                delegation(Delegation.ZERO_ADDRESS, 12), "retail", out.grants(), ref, Fixtures.rules());
        assertThat(cleared.resolve()).isTrue();
        assertThat(DelegationRule.onOutflow(pulled(THIEF, 13), "retail", cleared.grants(), ref))
                .isEmpty();
    }

    @Test
    void delegationToAnAllowlistedImplementationOrWhenOffForTheGroupRaisesNothing() {
        assertThat(DelegationRule.onDelegation(delegation(HOT, 10), "retail", Grants.empty(), ref, Fixtures.rules())
                        .finding())
                .isEmpty();
        assertThat(DelegationRule.onDelegation(
                                delegation(STRANGER, 10),
                                "retail",
                                Grants.empty(),
                                ref,
                                Fixtures.rules("group.retail.rules.delegation.enabled", "false"))
                        .finding())
                .isEmpty();
    }
}
