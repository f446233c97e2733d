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
    NEW_DESTINATION("new-destination", Severity.LOW);

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
     * a balance drain of any value, or a finding of another per-wallet or per-destination rule that is
     * high or critical by default. Gas paid to a wallet ({@code common-funder}) drains nothing yet.
     */
    public boolean marksWalletDrained() {
        return this == BALANCE_DRAIN
                || (severity.compareTo(Severity.HIGH) >= 0 && this != FLEET_SURGE && this != COMMON_FUNDER);
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
