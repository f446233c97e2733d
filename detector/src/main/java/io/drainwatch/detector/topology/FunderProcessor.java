package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.CommonFunderRule;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Funding;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.topic.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 3b, keyed by funder: counts the distinct watched wallets each outside address pays gas to
 * and raises {@code common-funder}, the inflow-side twin of the per-destination stage.
 */
final class FunderProcessor implements Processor<String, Funding, String, StageOutput> {
    static final String STATE = "funder-state";
    static final String ALERTS = "funder-alerts";

    /** How far block time must advance before expired funders are looked for again. */
    static final long EXPIRY_STEP_MS = 60_000;

    private final DetectorConfig config;
    private final ExplorerLinks links;
    private final DetectorMetrics metrics;
    private ProcessorContext<String, StageOutput> context;
    private KeyValueStore<String, CommonFunderRule.FunderState> states;
    private AlertBook alerts;
    /** Per chain, the latest block time of a funding this instance processed; funders expire on block time. */
    private final Map<Long, Long> latestBlockTime = new HashMap<>();

    private long expiredAt = Long.MIN_VALUE;

    FunderProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        this.config = config;
        this.links = links;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        this.context = context;
        this.states = context.getStateStore(STATE);
        this.alerts = new AlertBook(context.getStateStore(ALERTS), links, new StoreReferenceData(context), metrics);
        context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            alerts.forwardQuiet(context, now, config.alertResolveAfter());
            expire();
        });
    }

    @Override
    public void process(Record<String, Funding> record) {
        Funding f = record.value();
        if (f == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        latestBlockTime.merge(f.chainId(), f.blockTime(), Math::max);
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

    /** Deletes the funders whose fundings have all left the window, once block time has moved on a step. */
    private void expire() {
        long latest = latestBlockTime.values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(Long.MIN_VALUE);
        if (latest == Long.MIN_VALUE || (expiredAt != Long.MIN_VALUE && latest - expiredAt < EXPIRY_STEP_MS)) {
            return;
        }
        expiredAt = latest;
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, CommonFunderRule.FunderState> all = states.all()) {
            all.forEachRemaining(kv -> {
                Long now = latestBlockTime.get(Keys.chainOf(kv.key));
                if (now != null && CommonFunderRule.expired(kv.value, now, config::rules)) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(states::delete);
    }
}
