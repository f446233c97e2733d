package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.FundsExitRule;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.rules.Taint;
import io.drainwatch.detector.rules.Transfer;
import io.drainwatch.schemas.DrainAlert;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 3c, keyed by an address that received drained funds (the sender of the hops the filter lets through,
 * which is also the key of the transfers topic, so no repartition is needed): raises {@code funds-exit} when it
 * pays a mixer, bridge or exchange, and keeps those alerts open in its store.
 */
final class FundsExitProcessor extends RuleStage<WalletEvent> {
    static final String ALERTS = "funds-exit-alerts";

    private TaintedAddressesStore tainted;
    private AlertBook alerts;

    FundsExitProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        super(config, links, metrics);
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        super.init(context);
        this.tainted = context.getStateStore(TaintedAddressesStore.NAME);
        this.alerts = alertBook(ALERTS);
    }

    @Override
    public void process(Record<String, WalletEvent> record) {
        if (!(record.value() instanceof WalletEvent.Hop hop)) {
            return;
        }
        Transfer t = Transfers.of(hop.transfer());
        Optional<Taint> taint = tainted.taint(t.chainId(), t.from());
        if (taint.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (t.removed()) {
            alerts.retract(AlertBook.key(RuleId.FUNDS_EXIT, t.chainId(), t.from()), t.eventId(), now)
                    .ifPresent(alert -> forward(alert, record.timestamp()));
            return;
        }
        FundsExitRule.evaluate(
                        t, taint.get(), reference, config.rules(taint.get().custodyGroup()))
                .flatMap(f -> alerts.apply(f, now))
                .ifPresent(alert -> forward(alert, record.timestamp()));
    }

    @Override
    void tick(long now) {
        alerts.forwardQuiet(context, now, config.alertResolveAfter());
    }

    private void forward(DrainAlert alert, long timestamp) {
        context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp));
    }
}
