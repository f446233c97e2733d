package io.drainwatch.detector.rules;

import io.drainwatch.schemas.Severity;
import org.jspecify.annotations.Nullable;

/**
 * Word to the fleet stage that a wallet of a custody group was drained (or, when {@code retracted},
 * that a reorganisation removed that evidence). The stages build it through {@code FleetSignal}.
 *
 * @param severity the citing alert's severity (absent on retractions and on signals from before it was sent)
 */
public record DrainSignal(
        String custodyGroup,
        long chainId,
        String wallet,
        String rule,
        String alertId,
        String eventId,
        @Nullable String destination,
        @Nullable Double usd,
        long blockTime,
        boolean retracted,
        @Nullable Severity severity) {

    /** The signal of one piece of evidence the fleet stage already holds for {@code wallet}. */
    static DrainSignal of(FleetState.DrainedWallet wallet, FleetState.Hit hit, String group) {
        return new DrainSignal(
                group,
                wallet.chainId(),
                wallet.wallet(),
                hit.rule(),
                hit.alertId(),
                hit.eventId(),
                hit.destination(),
                hit.usd(),
                wallet.firstTime(),
                false,
                hit.severity());
    }
}
