package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What the rule stages (per wallet, destination, funder, custody group, and funds exit) share: the
 * detector's settings, explorer links and metrics, the processor context and the reference data, an
 * alert book over one of the stage's stores, and {@link #tick} every {@code detector.punctuate-interval}
 * of wall-clock time. A stage's {@code init} calls this one first, then opens its own stores.
 *
 * @param <V> what the stage's input records hold
 */
abstract class RuleStage<V> implements Processor<String, V, String, StageOutput> {
    final DetectorConfig config;
    final ExplorerLinks links;
    final DetectorMetrics metrics;
    ProcessorContext<String, StageOutput> context;
    StoreReferenceData reference;

    RuleStage(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        this.config = config;
        this.links = links;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        this.context = context;
        this.reference = new StoreReferenceData(context);
        context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    /** The alerts of this stage kept in {@code store}, by rule and subject. */
    final AlertBook alertBook(String store) {
        return new AlertBook(context.getStateStore(store), links, reference, metrics);
    }

    /**
     * The stage's {@link BlockOrderGate} over its {@code watermarks} and {@code held} stores, counted in
     * the metrics as {@code stage}.
     */
    final <H extends BlockOrderGate.Gated> BlockOrderGate<H> blockOrderGate(
            String watermarks, String held, String stage) {
        return new BlockOrderGate<>(
                context.getStateStore(watermarks),
                context.getStateStore(held),
                config.blockOrderMaxWait().toMillis(),
                context.currentSystemTimeMs(),
                stage,
                context.taskId().toString(),
                metrics);
    }

    /**
     * Sends on, every {@link TickPacer#INTERVAL} of wall-clock time, the ticks {@code pacer} held back,
     * starting with the watermarks {@code gate} kept from before the task (re)started.
     */
    final void sendPacedTicks(TickPacer pacer, BlockOrderGate<?> gate, Consumer<TickPacer.Paced> send) {
        long now = context.currentSystemTimeMs();
        gate.current(context.taskId().partition()).forEach(tick -> pacer.defer(new TickPacer.Paced(tick, now)));
        context.schedule(
                TickPacer.INTERVAL,
                PunctuationType.WALL_CLOCK_TIME,
                at -> pacer.due(at).forEach(send));
    }

    /**
     * Passes on through {@code pacer}, as this task's tick, that it has come through {@code watermark} of
     * the chain of {@code from}, the tick that raised it.
     */
    final void passOn(
            TickPacer pacer, BlockTick from, long watermark, long timestamp, long now, Consumer<TickPacer.Paced> send) {
        BlockTick progress =
                new BlockTick(from.chainId(), watermark, context.taskId().partition(), from.sources());
        pacer.offer(new TickPacer.Paced(progress, timestamp), now).ifPresent(send);
    }

    /** What the stage does on wall-clock time: resolve quiet alerts, expire state, judge what fell due. */
    abstract void tick(long now);
}
