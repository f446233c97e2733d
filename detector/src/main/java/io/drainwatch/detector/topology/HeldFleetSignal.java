package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.DrainSignal;

/**
 * A drain (or its retraction) the fleet stage holds until every destination task, and so every wallet
 * task, has handed on every drain of its chain through its block.
 *
 * @param position orders a block's drains: by event id, rule and alert, a retraction after the drain
 * @param timestamp the record's timestamp, which what the signal leads to keeps
 * @param heldAt when (wall clock) it came
 */
record HeldFleetSignal(
        long chainId, long block, String position, String group, FleetSignal signal, long timestamp, long heldAt)
        implements BlockOrderGate.Gated {

    static HeldFleetSignal of(String group, DrainSignal drain, FleetSignal signal, long timestamp, long now) {
        String position = drain.eventId() + "/" + drain.rule() + "/" + drain.alertId() + "/" + group
                + (drain.retracted() ? "/r" : "/d");
        return new HeldFleetSignal(drain.chainId(), signal.block(), position, group, signal, timestamp, now);
    }
}
