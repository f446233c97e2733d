package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Payment;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;

/** What a rule stage emits; the topology splits it by kind into the alerts topic and the next stages. */
sealed interface StageOutput {
    record Alert(DrainAlert alert) implements StageOutput {}

    record Pay(Payment payment) implements StageOutput {}

    /** The stage has handed on every payment of a chain through a block (for the destination stage's gate). */
    record Tick(BlockTick tick) implements StageOutput {}

    record Fleet(FleetSignal signal) implements StageOutput {}

    record Incident(DrainIncident incident) implements StageOutput {}
}
