package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.DrainSignal;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.rules.RuleId;
import org.jspecify.annotations.Nullable;

/**
 * What the per-wallet and per-destination stages tell the fleet stage, keyed by custody group:
 * either a drain or a change in the estimated value held by one of the group's wallets. The one
 * place these signals are built.
 */
public record FleetSignal(@Nullable DrainSignal drain, double valueDeltaUsd) {

    /** A per-wallet finding that marks its wallet (the finding's subject) drained, cited by alert {@code alertId}. */
    static FleetSignal drained(Finding f, String alertId) {
        return new FleetSignal(
                new DrainSignal(
                        f.custodyGroup(),
                        f.chainId(),
                        f.subject(),
                        f.rule().id(),
                        alertId,
                        f.evidence().eventId(),
                        f.evidence().destination(),
                        f.evidence().usd(),
                        f.evidence().blockTime(),
                        false),
                0);
    }

    /** A payment that a per-destination alert ({@code rule}, {@code alertId}) cites as a drain of its wallet. */
    static FleetSignal swept(RuleId rule, Payment p, String alertId) {
        return new FleetSignal(
                new DrainSignal(
                        p.custodyGroup(),
                        p.chainId(),
                        p.wallet(),
                        rule.id(),
                        alertId,
                        p.eventId(),
                        p.destination(),
                        p.usd(),
                        p.blockTime(),
                        false),
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
                        true),
                0);
    }

    /** The estimated value held by one of the group's wallets changed by {@code deltaUsd}. */
    static FleetSignal value(double deltaUsd) {
        return new FleetSignal(null, deltaUsd);
    }
}
