package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.CoordinatedSweepRule;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.ProgressTick;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 3, keyed by destination: counts the distinct watched wallets paying each unknown address,
 * raises {@code coordinated-sweep}, and tells the fleet stage which wallets the sweep took. Payments
 * pass a {@link BlockOrderGate} first, so they are counted in block order; once it has judged those a
 * tick lets go, it passes the tick on to the fleet stage.
 */
final class DestinationProcessor extends RuleStage<DestinationEvent> {
    static final String STATE = "destination-state";
    static final String ALERTS = "destination-alerts";
    /** Per chain, the highest tick block from each wallet task. */
    static final String WATERMARKS = "destination-watermarks";
    /** Payments held until the watermark of their chain passes their block. */
    static final String HELD = "destination-held-payments";
    /** Payments kept per destination before a sweep is recognised; the threshold is a handful of wallets. */
    static final int MAX_PAYMENTS = 100;

    /**
     * A destination's payers and, until the sweep is recognised, the payments within the window (to
     * cite as its first evidence). Once it fires each payment is cited as it comes, so none are kept.
     */
    record Entry(CoordinatedSweepRule.DestinationState state, List<Payment> payments) {}

    /** A held payment, with its record's timestamp and when (wall clock) it came. */
    record Held(Payment payment, long timestamp, long heldAt) implements BlockOrderGate.Gated {
        @Override
        public long chainId() {
            return payment.chainId();
        }

        @Override
        public long block() {
            return payment.blockNumber();
        }

        @Override
        public String position() {
            return payment.eventId();
        }
    }

    private static final CoordinatedSweepRule.Payer EMPTY_PAYER =
            new CoordinatedSweepRule.Payer("", "", 0, 0, List.of());

    private KeyValueStore<String, Entry> entries;
    private AlertBook alerts;
    private BlockOrderGate<Held> gate;
    private final TickPacer pacer = new TickPacer(TickPacer.INTERVAL.toMillis());
    /** Destinations whose payers have all left the window are deleted, on block time. */
    private final BlockTimeExpiry expiry = new BlockTimeExpiry();

    DestinationProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        super(config, links, metrics);
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        super.init(context);
        this.entries = context.getStateStore(STATE);
        this.alerts = alertBook(ALERTS);
        this.gate = blockOrderGate(WATERMARKS, HELD, "destination");
        sendPacedTicks(pacer, gate, this::forwardTick);
    }

    @Override
    void tick(long now) {
        gate.overdue(now).forEach(h -> judge(h.payment(), now, h.timestamp()));
        alerts.forwardQuiet(context, now, config.alertResolveAfter());
        expiry.expire(
                entries, (entry, blockTime) -> CoordinatedSweepRule.expired(entry.state(), blockTime, config::rules));
    }

    /**
     * Payments wait at the gate until every wallet task has come through their block, then are judged in
     * block order, so the payment that crosses the threshold (whose block the alert id carries) is the
     * same however the wallet tasks' partitions interleave. A removal is applied at once.
     */
    @Override
    public void process(Record<String, DestinationEvent> record) {
        long now = context.currentSystemTimeMs();
        switch (record.value()) {
            case DestinationEvent.Tick t ->
                gate.tick(t.tick(), now).ifPresent(advance -> {
                    advance.released().forEach(h -> judge(h.payment(), now, h.timestamp()));
                    // every wallet task came through the block, so their drains are ahead of this tick too
                    passOn(pacer, t.tick(), advance.watermark(), record.timestamp(), now, this::forwardTick);
                });
            case DestinationEvent.Pay pay
            when pay.payment().removed() -> {
                Payment p = pay.payment();
                gate.drop(new Held(p, record.timestamp(), now));
                String key = Keys.address(p.chainId(), p.destination());
                onRemoved(key, p, entries.get(key), now, record.timestamp());
            }
            case DestinationEvent.Pay pay -> gate.hold(new Held(pay.payment(), record.timestamp(), now));
            case null -> {}
        }
    }

    /** Tells every fleet task that this task has handed on every drain of a chain through a block. */
    private void forwardTick(TickPacer.Paced paced) {
        BlockTick tick = paced.tick();
        context.forward(new Record<>(
                ProgressTick.key(tick.chainId()), new StageOutput.Fleet(FleetSignal.tick(tick)), paced.timestamp()));
    }

    /** Counts a payment the gate released towards its destination's sweep. */
    private void judge(Payment p, long now, long timestamp) {
        expiry.saw(p.chainId(), p.blockTime());
        String key = Keys.address(p.chainId(), p.destination());
        Entry entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(CoordinatedSweepRule.DestinationState.empty(), List.of());
        }
        RuleSettings rules = config.rules(p.custodyGroup());
        long horizon = p.blockTime() - rules.sweepWindow().toMillis();
        if (entry.payments().stream().anyMatch(e -> e.eventId().equals(p.eventId()))
                || entry.state()
                        .payers()
                        .getOrDefault(p.wallet(), EMPTY_PAYER)
                        .eventIds()
                        .contains(p.eventId())) {
            return; // replayed event
        }
        List<Payment> earlier =
                entry.payments().stream().filter(e -> e.blockTime() >= horizon).toList();
        CoordinatedSweepRule.Outcome outcome = CoordinatedSweepRule.evaluate(p, earlier, entry.state(), rules);
        List<Payment> payments = new ArrayList<>();
        if (!outcome.state().firing()) {
            payments.addAll(earlier);
            payments.add(p);
            while (payments.size() > MAX_PAYMENTS) {
                payments.remove(0);
            }
        }
        entries.put(key, new Entry(outcome.state(), payments));
        outcome.finding().ifPresent(f -> {
            for (Payment implicated : outcome.implicated()) {
                Finding cited = new Finding(
                        f.rule(),
                        f.severity(),
                        f.chainId(),
                        f.custodyGroup(),
                        f.subject(),
                        implicated.evidence(),
                        f.summary(),
                        f.description(),
                        f.thresholds());
                alerts.apply(cited, now).ifPresent(alert -> {
                    context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp));
                    context.forward(new Record<>(
                            implicated.custodyGroup(),
                            new StageOutput.Fleet(FleetSignal.swept(RuleId.COORDINATED_SWEEP, implicated, alert)),
                            timestamp));
                });
            }
        });
    }

    private void onRemoved(String key, Payment p, Entry entry, long now, long timestamp) {
        if (entry != null) {
            List<Payment> payments = entry.payments().stream()
                    .filter(e -> !e.eventId().equals(p.eventId()))
                    .toList();
            CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.remove(p, entry.state());
            if (state.payers().isEmpty()) {
                entries.delete(key);
            } else {
                entries.put(key, new Entry(state, payments));
            }
        }
        String alertKey = AlertBook.key(RuleId.COORDINATED_SWEEP, p.chainId(), p.destination());
        Optional<String> alertId = alerts.get(alertKey).map(OpenAlert::alertId);
        alerts.retract(alertKey, p.eventId(), now).ifPresent(alert -> {
            context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp));
            FleetSignal signal =
                    FleetSignal.retracted(RuleId.COORDINATED_SWEEP, p, alertId.orElse(alert.getAlertId()), null);
            context.forward(new Record<>(p.custodyGroup(), new StageOutput.Fleet(signal), timestamp));
        });
    }
}
