package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.AlertRecords;
import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.alert.IncidentRecords;
import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.DrainSignal;
import io.drainwatch.detector.rules.FleetState;
import io.drainwatch.detector.rules.FleetStateMachine;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Stage 4, keyed by custody group: raises {@code fleet-surge} by opening the group's incident, keeps
 * it up to date as wallets are drained (wallets, value lost, value still at risk, destinations),
 * raises the alerts of its wallets that paged nothing by themselves to the incident's severity, and
 * resolves it when the attack goes quiet. The decisions are {@link FleetStateMachine}'s; this class
 * reads and writes the stores and forwards what it decided. Drains come from every wallet and
 * destination task: a {@link BlockOrderGate} holds them until the destination stage's ticks say every
 * one has handed on every drain through their block, so they are counted in block order.
 */
final class FleetProcessor extends RuleStage<FleetSignal> {
    static final String STATE = "fleet-state";
    static final String MEMBERS = "fleet-incident-wallets";
    /** The drain alerts this stage writes (those that page nothing by themselves), by alert id, until they end. */
    static final String LOW_ALERTS = "fleet-low-alerts";
    /** Per chain, the highest tick block from each destination task. */
    static final String WATERMARKS = "fleet-watermarks";
    /** Drains held until the watermark of their chain passes their block. */
    static final String HELD = "fleet-held-signals";

    /**
     * A drain alert this stage writes: its latest content, the version last written, and the severity
     * and incident it was raised to when its wallet joined one.
     */
    record LowAlert(
            OpenAlert alert,
            int version,
            @Nullable Severity raisedTo,
            @Nullable String incidentId) {}

    private KeyValueStore<String, FleetState> states;
    private KeyValueStore<String, FleetState.DrainedWallet> members;
    private KeyValueStore<String, LowAlert> lowAlerts;
    private BlockOrderGate<HeldFleetSignal> gate;

    FleetProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        super(config, links, metrics);
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        super.init(context);
        this.states = context.getStateStore(STATE);
        this.members = context.getStateStore(MEMBERS);
        this.lowAlerts = context.getStateStore(LOW_ALERTS);
        this.gate = blockOrderGate(WATERMARKS, HELD, "fleet");
    }

    /**
     * A drain (or its retraction) waits at the gate until every destination task has come through its
     * block; it goes at once while no tick of its chain has come here. A retraction held with its drain
     * sorts after it. Value changes and alerts that ended go at once.
     */
    @Override
    public void process(Record<String, FleetSignal> record) {
        String group = record.key();
        FleetSignal signal = record.value();
        if (group == null || signal == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        BlockTick tick = signal.tick();
        DrainSignal drain = signal.drain();
        if (tick != null) {
            gate.tick(tick, now)
                    .ifPresent(advance ->
                            advance.released().forEach(h -> judge(h.group(), h.signal(), now, h.timestamp())));
        } else if (drain != null && signal.block() > 0 && !gate.passes(drain.chainId(), signal.block())) {
            gate.hold(HeldFleetSignal.of(group, drain, signal, record.timestamp(), now));
        } else {
            judge(group, signal, now, record.timestamp());
        }
    }

    private void judge(String group, FleetSignal signal, long now, long timestamp) {
        FleetState state = orEmpty(states.get(group));
        if (signal.drain() == null && signal.lowAlert() == null) {
            states.put(group, FleetStateMachine.onValueChange(state, signal.valueDeltaUsd()));
            return;
        }
        List<FleetStateMachine.Escalation> escalations = List.of();
        if (signal.drain() != null) {
            FleetStateMachine.Transition t = FleetStateMachine.onDrain(
                    state, group, signal.drain(), config.rules(group), now, wallet -> members.get(key(group, wallet)));
            apply(group, state, t, now, timestamp);
            escalations = t.escalations();
        }
        FleetSignal.LowAlert low = signal.lowAlert();
        if (low != null) {
            FleetStateMachine.Escalation raise = escalations.stream()
                    .filter(e -> e.alertId().equals(low.alertId()))
                    .findFirst()
                    .orElse(null);
            write(low.alertId(), low.status(), low.alert(), raise, now, timestamp);
        }
        for (FleetStateMachine.Escalation e : escalations) {
            if (low == null || !e.alertId().equals(low.alertId())) {
                write(e.alertId(), AlertStatus.UPDATED, null, e, now, timestamp);
            }
        }
    }

    @Override
    void tick(long now) {
        gate.overdue(now).forEach(h -> judge(h.group(), h.signal(), now, h.timestamp()));
        List<KeyValue<String, FleetState>> all = new ArrayList<>();
        try (KeyValueIterator<String, FleetState> it = states.all()) {
            it.forEachRemaining(all::add);
        }
        int open = 0;
        for (KeyValue<String, FleetState> kv : all) {
            FleetStateMachine.Transition t = FleetStateMachine.onTick(
                    kv.value, now, config.incidentResolveAfter().toMillis());
            if (t.incident().isPresent()) {
                apply(kv.key, kv.value, t, now, now);
            }
            if (t.state().incident() != null) {
                open++;
            }
        }
        metrics.openIncidents(context.taskId().toString(), open);
    }

    /**
     * The task is closing, perhaps to move to another instance, which counts its incidents from then
     * on: this instance stops counting them, or the fleet's total would hold them twice.
     */
    @Override
    public void close() {
        metrics.taskClosed(context.taskId().toString());
    }

    /** Stores a transition's state and incident wallets and publishes the incident if it changed. */
    private void apply(String group, FleetState before, FleetStateMachine.Transition t, long now, long timestamp) {
        states.put(group, t.state());
        for (FleetStateMachine.MemberChange change : t.members()) {
            switch (change) {
                case FleetStateMachine.MemberChange.Put put ->
                    members.put(key(group, put.wallet().wallet()), put.wallet());
                case FleetStateMachine.MemberChange.Delete delete -> members.delete(key(group, delete.wallet()));
                case FleetStateMachine.MemberChange.Clear clear -> clearMembers(group);
            }
        }
        t.incident().ifPresent(status -> publish(group, before, t.state(), status, now, timestamp));
    }

    /**
     * Writes the next record of a drain alert this stage writes: {@code content} when the signal
     * carried it (else the stored one), at the severity and naming the incident it was raised to (now,
     * by {@code raise}, or before), with a version above every one written.
     */
    private void write(
            String alertId,
            AlertStatus status,
            @Nullable OpenAlert content,
            FleetStateMachine.@Nullable Escalation raise,
            long now,
            long timestamp) {
        LowAlert known = lowAlerts.get(alertId);
        OpenAlert alert = content != null ? content : known == null ? null : known.alert();
        if (alert == null) {
            return; // ended before: nothing left to write
        }
        Severity severity = raise != null ? raise.severity() : known == null ? null : known.raisedTo();
        String incidentId = raise != null ? raise.incidentId() : known == null ? null : known.incidentId();
        int version = Math.max(alert.version(), known == null ? 0 : known.version() + 1);
        OpenAlert written = alert.written(version, severity == null ? alert.severity() : severity, incidentId);
        if (status == AlertStatus.RESOLVED || status == AlertStatus.RETRACTED) {
            lowAlerts.delete(alertId);
        } else {
            lowAlerts.put(alertId, new LowAlert(alert, version, severity, incidentId));
        }
        long confirmations = reference
                .head(written.chainId())
                .map(h -> h - written.latest().blockNumber())
                .orElse(0L);
        DrainAlert record = AlertRecords.toRecord(written, status, now, Math.max(0, confirmations), links, incidentId);
        if (raise != null) {
            metrics.alert(
                    written.rule().id(),
                    written.severity().name().toLowerCase(Locale.ROOT),
                    status.name().toLowerCase(Locale.ROOT),
                    Duration.ofMillis(now - written.latest().blockTime()));
        }
        context.forward(new Record<>(record.getAlertId(), new StageOutput.Alert(record), timestamp));
    }

    private void publish(
            String group, FleetState before, FleetState after, AlertStatus status, long now, long timestamp) {
        boolean ended = status == AlertStatus.RESOLVED || status == AlertStatus.RETRACTED;
        FleetState.Incident incident = java.util.Objects.requireNonNull(
                ended ? before.ended(now) : after.incident(), "a published status belongs to an incident");
        DrainIncident record = IncidentRecords.toRecord(group, incident, status, after.atRiskUsd(), now);
        metrics.incident(status.name().toLowerCase(Locale.ROOT));
        context.forward(new Record<>(record.getIncidentId(), new StageOutput.Incident(record), timestamp));
    }

    /** The incident wallets of a group are stored one record per wallet under {@code group|wallet}. */
    private static String key(String group, String wallet) {
        return group + "|" + wallet;
    }

    private void clearMembers(String group) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, FleetState.DrainedWallet> it =
                members.prefixScan(group + "|", new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(members::delete);
    }

    private static FleetState orEmpty(FleetState state) {
        return state == null ? FleetState.empty() : state;
    }
}
