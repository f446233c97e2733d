package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.rules.DrainSignal;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.Severity;
import org.jspecify.annotations.Nullable;

/**
 * What the per-wallet and per-destination stages tell the fleet stage, keyed by custody group:
 * a drain, a record of a drain alert that pages nothing by itself (which the fleet stage writes), a
 * change in the estimated value held by one of the group's wallets, or the destination stage's progress
 * (a tick, sent to every partition). The one place these signals are built.
 *
 * @param block the block of the drain's evidence (0 on a signal without a drain)
 */
public record FleetSignal(
        @Nullable DrainSignal drain,
        @Nullable LowAlert lowAlert,
        double valueDeltaUsd,
        long block,
        @Nullable BlockTick tick) {

    /**
     * A record of a drain alert that pages nothing by itself, for the fleet stage to write: it is the
     * one writer of such alerts, so it can raise one to the incident's severity when its wallet joins
     * the incident and keep it raised (with increasing versions) until it ends.
     *
     * @param alert the alert as its stage holds it; absent once it ended (RESOLVED, RETRACTED)
     */
    public record LowAlert(
            String alertId, AlertStatus status, @Nullable OpenAlert alert) {}

    /** Whether the fleet stage writes the records of {@code alert} (a drain alert that pages nothing by itself). */
    static boolean writtenByFleet(DrainAlert alert) {
        return RuleId.fromId(alert.getRule()).marksWalletDrained()
                && alert.getSeverity().compareTo(Severity.HIGH) < 0;
    }

    /**
     * A per-wallet finding that marks its wallet (the finding's subject) drained, cited by {@code alert}
     * (as its stage now holds it) whose record {@code written} the stage produced. A record that pages
     * nothing by itself travels with the signal for the fleet stage to write.
     */
    static FleetSignal drained(Finding f, OpenAlert alert, DrainAlert written) {
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
                writtenByFleet(written) ? new LowAlert(alert.alertId(), written.getStatus(), alert) : null,
                0,
                f.evidence().blockNumber(),
                null);
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
                0,
                p.blockNumber(),
                null);
    }

    /**
     * A reorganisation removed payment {@code p}, which alert {@code alertId} of {@code rule} cited;
     * {@code lowAlert} is the alert's new record when the fleet stage writes it.
     */
    static FleetSignal retracted(RuleId rule, Payment p, String alertId, @Nullable LowAlert lowAlert) {
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
                lowAlert,
                0,
                p.blockNumber(),
                null);
    }

    /** An alert the fleet stage writes ended without new evidence (RESOLVED when quiet). */
    static FleetSignal ended(DrainAlert alert) {
        return new FleetSignal(null, new LowAlert(alert.getAlertId(), alert.getStatus(), null), 0, 0, null);
    }

    /** The estimated value held by one of the group's wallets changed by {@code deltaUsd}. */
    static FleetSignal value(double deltaUsd) {
        return new FleetSignal(null, null, deltaUsd, 0, null);
    }

    /** A destination task has handed on every drain of a chain through a block, as has every wallet task. */
    static FleetSignal tick(BlockTick tick) {
        return new FleetSignal(null, null, 0, 0, tick);
    }
}
