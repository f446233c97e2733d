package io.drainwatch.detector.alert;

import org.jspecify.annotations.Nullable;

/**
 * The drained wallets of a custody group's open incident, one entry per wallet, kept outside the
 * group's own state so an incident of thousands of wallets never makes one oversized record.
 */
public interface IncidentMembers {
    FleetState.@Nullable DrainedWallet get(String wallet);

    void put(FleetState.DrainedWallet wallet);

    void delete(String wallet);

    /** Forgets every member (the incident ended). */
    void clear();
}
