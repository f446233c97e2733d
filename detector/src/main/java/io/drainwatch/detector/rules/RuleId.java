package io.drainwatch.detector.rules;

import io.drainwatch.schemas.Severity;

/** The detector's rules, with the id that appears in alerts, metrics and configuration. */
public enum RuleId {
    UNAUTHORIZED_OUTFLOW("unauthorized-outflow", Severity.CRITICAL),
    BALANCE_DRAIN("balance-drain", Severity.HIGH),
    COORDINATED_SWEEP("coordinated-sweep", Severity.CRITICAL),
    FLEET_SURGE("fleet-surge", Severity.CRITICAL),
    DENYLISTED_COUNTERPARTY("denylisted-counterparty", Severity.CRITICAL),
    GAS_TOPUP_SWEEP("gas-topup-sweep", Severity.HIGH),
    COMMON_FUNDER("common-funder", Severity.CRITICAL),
    NEW_DESTINATION("new-destination", Severity.LOW),
    UNKNOWN_APPROVAL("unknown-approval", Severity.MEDIUM),
    DELEGATION("delegation", Severity.CRITICAL),
    FUNDS_EXIT("funds-exit", Severity.HIGH),
    VELOCITY("velocity", Severity.MEDIUM),
    DORMANT_WAKE("dormant-wake", Severity.LOW),
    COMBINED_SIGNALS("combined-signals", Severity.MEDIUM);

    private final String id;
    private final Severity severity;

    RuleId(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    /** The id used in alerts, metrics and settings keys. */
    public String id() {
        return id;
    }

    /** The severity of a finding of this rule unless the rule says otherwise. */
    public Severity severity() {
        return severity;
    }

    /**
     * Whether a finding of this rule means the wallet has been drained (counts towards a fleet surge):
     * a balance drain of any value, an unauthorised outflow, a coordinated sweep, a payment to a denylisted
     * address or a gas top-up followed by a sweep. Rules about what could move the wallet's assets next
     * (gas paid by a common funder, an approval, a delegation) drain nothing by themselves: the outflows
     * that follow are judged by the drain rules.
     */
    public boolean marksWalletDrained() {
        return switch (this) {
            case BALANCE_DRAIN, UNAUTHORIZED_OUTFLOW, COORDINATED_SWEEP, DENYLISTED_COUNTERPARTY, GAS_TOPUP_SWEEP ->
                true;
            default -> false;
        };
    }

    /**
     * Whether the destination of this rule's alert received drained funds, so that its onward payments are
     * followed ({@code funds-exit}).
     */
    public boolean taintsDestination() {
        return switch (this) {
            case BALANCE_DRAIN, UNAUTHORIZED_OUTFLOW, COORDINATED_SWEEP, GAS_TOPUP_SWEEP -> true;
            default -> false;
        };
    }

    public static RuleId fromId(String id) {
        for (RuleId rule : values()) {
            if (rule.id.equals(id)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("unknown rule " + id);
    }
}
