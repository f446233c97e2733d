package io.drainwatch.detector.alert;

import org.jspecify.annotations.Nullable;

/**
 * What the per-wallet and per-destination stages tell the fleet stage, keyed by custody group:
 * either a drain or a change in the estimated value held by one of the group's wallets.
 */
public record FleetSignal(@Nullable DrainSignal drain, double valueDeltaUsd) {
    public static FleetSignal drain(DrainSignal signal) {
        return new FleetSignal(signal, 0);
    }

    public static FleetSignal value(double deltaUsd) {
        return new FleetSignal(null, deltaUsd);
    }
}
