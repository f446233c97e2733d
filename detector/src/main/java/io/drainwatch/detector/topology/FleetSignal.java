package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.rules.DrainSignal;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.Severity;
import org.jspecify.annotations.Nullable;

/**
 * What the per-wallet and per-destination stages tell the fleet stage, keyed by custody group:
 * either a drain (with the citing alert when it pages nothing by itself) or a change in the
 * estimated value held by one of the group's wallets. The one place these signals are built.
 */
public record FleetSignal(
        @Nullable DrainSignal drain, @Nullable OpenAlert alert, double valueDeltaUsd) {

    /**
     * A per-wallet finding that marks its wallet (the finding's subject) drained, cited by {@code alert}
     * as its stage now holds it. An alert that pages nothing by itself travels with the signal, so the
     * fleet stage can raise it to the incident's severity when the wallet joins one.
     */
    static FleetSignal drained(Finding f, OpenAlert alert) {
        return new FleetSignal(
                new DrainSignal(
                        f.custodyGroup(),
                        f.chainId(),
                        f.subject(),
                        f.rule().id(),
                        alert.alertId(),
                        f.evidence().eventId(),
                        f.evidence().destination(),
                        f.evidence().usd(),
                        f.evidence().blockTime(),
                        false,
                        alert.severity()),
                alert.severity().compareTo(Severity.HIGH) < 0 ? alert : null,
                0);
    }

    /** A payment that a per-destination alert cites as a drain of its wallet. */
    static FleetSignal swept(RuleId rule, Payment p, DrainAlert alert) {
        return new FleetSignal(
                new DrainSignal(
                        p.custodyGroup(),
                        p.chainId(),
                        p.wallet(),
                        rule.id(),
                        alert.getAlertId(),
                        p.eventId(),
                        p.destination(),
                        p.usd(),
                        p.blockTime(),
                        false,
                        alert.getSeverity()),
                null,
                0);
    }

    /** A reorganisation removed payment {@code p}, which alert {@code alertId} of {@code rule} cited. */
    static FleetSignal retracted(RuleId rule, Payment p, String alertId) {
        return new FleetSignal(
                new DrainSignal(
                        p.custodyGroup(),
                        p.chainId(),
                        p.wallet(),
                        rule.id(),
                        alertId,
                        p.eventId(),
                        p.destination(),
                        null,
                        p.blockTime(),
                        true,
                        null),
                null,
                0);
    }

    /** The estimated value held by one of the group's wallets changed by {@code deltaUsd}. */
    static FleetSignal value(double deltaUsd) {
        return new FleetSignal(null, null, deltaUsd);
    }
}
