package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.CommonFunderRule;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Funding;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.rules.Transfer;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 3b, keyed by funder: counts the distinct watched wallets each outside address pays gas to
 * and raises {@code common-funder}, the inflow-side twin of the per-destination stage. Its input is the
 * filter's top-ups, still in the transfers topic's partition of their sender: one funder's top-ups
 * arrive in chain order, so the top-up that crosses the threshold, and with it the alert's id, is the
 * same however the chain is read (in batches, block by block, or across restarts).
 */
final class FunderProcessor extends RuleStage<WalletEvent> {
    static final String STATE = "funder-state";
    static final String ALERTS = "funder-alerts";

    private KeyValueStore<String, CommonFunderRule.FunderState> states;
    private AlertBook alerts;
    /** Funders whose fundings have all left the window are deleted, on block time. */
    private final BlockTimeExpiry expiry = new BlockTimeExpiry();

    FunderProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        super(config, links, metrics);
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        super.init(context);
        this.states = context.getStateStore(STATE);
        this.alerts = alertBook(ALERTS);
    }

    @Override
    void tick(long now) {
        alerts.forwardQuiet(context, now, config.alertResolveAfter());
        expiry.expire(states, (state, blockTime) -> CommonFunderRule.expired(state, blockTime, config::rules));
    }

    @Override
    public void process(Record<String, WalletEvent> record) {
        if (!(record.value() instanceof WalletEvent.Topup topup)) {
            return;
        }
        Transfer in = Transfers.of(topup.transfer());
        Optional<Funding> funding = reference
                .group(in.chainId(), in.to())
                .flatMap(group -> CommonFunderRule.funding(in, group, reference, config.rules(group)));
        if (funding.isEmpty()) {
            return;
        }
        Funding f = funding.get();
        long now = context.currentSystemTimeMs();
        expiry.saw(f.chainId(), f.blockTime());
        CommonFunderRule.FunderState state = states.get(record.key());
        if (f.removed()) {
            if (state != null) {
                CommonFunderRule.FunderState rest = CommonFunderRule.remove(f, state);
                if (rest.fundings().isEmpty()) {
                    states.delete(record.key());
                } else {
                    states.put(record.key(), rest);
                }
            }
            alerts.retract(AlertBook.key(RuleId.COMMON_FUNDER, f.chainId(), f.funder()), f.eventId(), now)
                    .ifPresent(alert -> context.forward(
                            new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), record.timestamp())));
            return;
        }
        CommonFunderRule.Outcome outcome = CommonFunderRule.evaluate(
                f, state == null ? CommonFunderRule.FunderState.empty() : state, config.rules(f.custodyGroup()));
        states.put(record.key(), outcome.state());
        outcome.finding().ifPresent(finding -> {
            for (Funding implicated : outcome.implicated()) {
                Finding cited = new Finding(
                        finding.rule(),
                        finding.severity(),
                        finding.chainId(),
                        finding.custodyGroup(),
                        finding.subject(),
                        implicated.evidence(),
                        finding.summary(),
                        finding.description(),
                        finding.thresholds());
                alerts.apply(cited, now)
                        .ifPresent(alert -> context.forward(
                                new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), record.timestamp())));
            }
        });
    }
}
