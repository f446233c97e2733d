package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code unknown-approval}: a watched wallet let a spender that is not the custodian's (own, allowlisted,
 * another watched wallet) move its tokens. Medium; high at once when the allowance is unlimited or the
 * spender is labelled with a denylisted category, and high when the group's signer log is in use
 * ({@code unauthorized-outflow.enabled}) and the signer has no record of the approving transaction after
 * its grace period. When the spender then moves the wallet's assets the alert goes up one step and names
 * it. A revocation of every such approval resolves the alert.
 */
public final class UnknownApprovalRule {
    private UnknownApprovalRule() {}

    /** Suffix of the evidence id that records the signer's missing record for an approval. */
    public static final String UNSIGNED = "/unsigned";

    /**
     * What an approval changed.
     *
     * @param resolve whether the wallet's open approval alert ends (no approval to an unknown spender is left)
     * @param awaitSignature whether to check the signer's records for the approving transaction after the grace period
     */
    public record Outcome(Grants grants, Optional<Finding> finding, boolean resolve, boolean awaitSignature) {}

    public static Outcome onApproval(Approval a, String group, Grants grants, ReferenceData ref, RuleSettings rules) {
        if (a.revokes()) {
            Grants next = grants.withoutApprovals(
                    g -> g.spender().equals(a.spender()) && g.token().equals(a.token()));
            boolean revokedLast =
                    !grants.approvals().isEmpty() && next.approvals().isEmpty();
            return new Outcome(next, Optional.empty(), revokedLast, false);
        }
        if (!rules.unknownApproval() || ref.isOwnOrAllowed(a.chainId(), a.spender(), group)) {
            return new Outcome(grants, Optional.empty(), false, false);
        }
        Optional<LabelCategory> denylisted =
                ref.label(a.chainId(), a.spender()).filter(rules.denylistedCategories()::contains);
        Severity severity = a.unlimited() || denylisted.isPresent() ? Severity.HIGH : Severity.MEDIUM;
        boolean signed = ref.signed(a.chainId(), a.at().txHash());
        boolean awaitSignature = rules.unauthorizedOutflow() && !signed;
        Grants next = grants.withApproval(new Grants.ApprovalGrant(
                a.spender(),
                a.token(),
                a.kind().name(),
                a.unlimited(),
                severity,
                a.at().eventId(),
                a.at().txHash(),
                a.at().blockNumber()));
        String what = what(a);
        String why = denylisted
                .map(c -> " The spender is labelled " + c.name().toLowerCase(Locale.ROOT) + ".")
                .orElse("");
        String signer;
        if (signed) {
            signer = " The custodian's signer authorised this transaction: find out why it approved an address"
                    + " that is not allowlisted, and allowlist the spender for group " + group
                    + " if it is legitimate.";
        } else if (awaitSignature) {
            signer = " The custodian's signer has no record of the transaction yet; drainwatch checks again after "
                    + rules.unauthorizedGrace().toSeconds() + "s and raises this alert if it still has none.";
        } else {
            signer = " drainwatch has no signer log for group " + group
                    + ", so it cannot tell whether the custodian authorised this: check the signer's records for "
                    + a.at().txHash() + ".";
        }
        return new Outcome(
                next,
                Optional.of(new Finding(
                        RuleId.UNKNOWN_APPROVAL,
                        severity,
                        a.chainId(),
                        group,
                        a.owner(),
                        Evidence.of(a),
                        "Wallet " + Money.shortAddress(a.owner()) + " approved unknown spender "
                                + Money.shortAddress(a.spender()) + " for " + what,
                        "Watched wallet " + a.owner() + " (group " + group + ") gave " + a.spender() + " the right to"
                                + " move " + what + " (" + kindName(a.kind()) + ", transaction " + a.at().txHash()
                                + ", block " + a.at().blockNumber() + "). The spender is not the custodian's and not"
                                + " allowlisted." + why + signer + " Until it is revoked the spender can take the"
                                + " tokens at any time: revoke it (approve 0 / setApprovalForAll false) or move the"
                                + " tokens to a wallet it cannot touch.",
                        thresholds(rules))),
                false,
                awaitSignature);
    }

    /**
     * After the signer's grace period: the finding that raises the approval to high when the signer still has no
     * record of the approving transaction and the approval is still open.
     */
    public static Optional<Finding> checkSigned(
            Approval a, String group, Grants grants, ReferenceData ref, RuleSettings rules) {
        if (ref.signed(a.chainId(), a.at().txHash())
                || grants.approval(a.at().eventId()).isEmpty()) {
            return Optional.empty();
        }
        Evidence approval = Evidence.of(a);
        Evidence unsigned = new Evidence(
                a.at().eventId() + UNSIGNED,
                approval.txHash(),
                approval.blockNumber(),
                approval.blockTime(),
                approval.wallet(),
                approval.destination(),
                approval.asset(),
                approval.amount(),
                null,
                null,
                null,
                null);
        return Optional.of(new Finding(
                RuleId.UNKNOWN_APPROVAL,
                Severity.HIGH,
                a.chainId(),
                group,
                a.owner(),
                unsigned,
                "Wallet " + Money.shortAddress(a.owner()) + " approved unknown spender "
                        + Money.shortAddress(a.spender()) + " without the custodian's signer",
                "Watched wallet " + a.owner() + " (group " + group + ") gave " + a.spender() + " the right to move "
                        + what(a) + " in transaction " + a.at().txHash()
                        + ", and the custodian's signer has no record of"
                        + " that transaction " + rules.unauthorizedGrace().toSeconds() + "s after it was seen."
                        + " Someone else holds this wallet's key or signed a permit with it: move the wallet's"
                        + " tokens to a wallet the spender cannot touch now, then revoke the approval.",
                thresholds(rules)));
    }

    /**
     * The finding when {@code out} is the approved spender moving the wallet's tokens: a token transfer out of the
     * wallet in a transaction the wallet did not send, sent by the spender, paid to it, or of the one token an
     * unknown spender may move. Raised one step above the approval's alert.
     */
    public static Optional<Finding> onOutflow(Transfer out, String group, Grants grants, ReferenceData ref) {
        if (out.isNative()
                || out.txFrom() == null
                || out.txFrom().equals(out.from())
                || grants.approvals().isEmpty()) {
            return Optional.empty();
        }
        List<Grants.ApprovalGrant> onToken = grants.approvals().stream()
                .filter(g -> g.token().equals(out.asset()))
                .toList();
        Optional<Grants.ApprovalGrant> grant = onToken.stream()
                .filter(g -> g.spender().equals(out.txFrom()))
                .findFirst()
                .or(() -> onToken.stream()
                        .filter(g -> g.spender().equals(out.to()))
                        .findFirst())
                .or(() -> onToken.size() == 1 ? Optional.of(onToken.get(0)) : Optional.empty());
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        Grants.ApprovalGrant g = grant.get();
        Severity severity = g.severity().compareTo(Severity.HIGH) >= 0 ? Severity.CRITICAL : Severity.HIGH;
        Optional<Double> usd = ref.usd(out);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        return Optional.of(new Finding(
                RuleId.UNKNOWN_APPROVAL,
                severity,
                out.chainId(),
                group,
                out.from(),
                Evidence.of(out, usd.orElse(null)),
                "Approved spender " + Money.shortAddress(g.spender()) + " moved " + value + " out of wallet "
                        + Money.shortAddress(out.from()),
                "Spender " + g.spender() + ", which watched wallet " + out.from() + " (group " + group
                        + ") approved in transaction " + g.txHash() + " (block " + g.blockNumber()
                        + "), moved " + value + " of " + BalanceDrainRule.assetName(out) + " to " + out.to()
                        + " in transaction " + out.txHash() + " sent by " + out.txFrom()
                        + ". The approval is being used to drain the wallet: move every token it still holds that the"
                        + " spender may take to a wallet it cannot touch, revoke the approval, and trace " + out.to()
                        + ".",
                Map.of("spender", g.spender())));
    }

    private static Map<String, String> thresholds(RuleSettings rules) {
        return Map.of("signer-log", Boolean.toString(rules.unauthorizedOutflow()));
    }

    private static String what(Approval a) {
        if (a.kind() == ApprovalKind.APPROVAL_FOR_ALL) {
            return "every token of " + Money.shortAddress(a.token());
        }
        return (a.unlimited() ? "an unlimited amount" : "up to " + a.amount()) + " of token "
                + Money.shortAddress(a.token());
    }

    private static String kindName(ApprovalKind kind) {
        return switch (kind) {
            case ERC20_APPROVAL -> "ERC-20 approve";
            case APPROVAL_FOR_ALL -> "setApprovalForAll";
            case PERMIT2_APPROVAL -> "Permit2 approve";
            case PERMIT2_PERMIT -> "Permit2 permit";
            case EIP2612_PERMIT -> "EIP-2612 permit";
            case OTHER -> "approval";
        };
    }
}
