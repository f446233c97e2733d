package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Stage 1: drops every transfer that neither comes from nor goes to a watched wallet, reading only
 * the record's first bytes and allocating nothing for it. The rest is decoded and forwarded keyed
 * by the watched wallet (twice when both ends are watched). Two kinds go on keyed by the sender, the
 * transfers topic's own key, so that they stay in its partition and in chain order: native coin paid
 * into a watched wallet, as a top-up, to the funder stage, and a transfer sent by an address that
 * received drained funds, as a hop, to the funds-exit stage. A progress tick of the ingestor (no value,
 * a {@link ProgressTick} header) goes on to every wallet task, saying which partition it came from.
 */
final class FilterProcessor implements Processor<byte[], byte[], String, WalletEvent> {
    private final DetectorMetrics metrics;
    private final Topic<TransferEvent> transfers;
    private ProcessorContext<String, WalletEvent> context;
    private WatchedTransferCheck check;
    private final TickPacer pacer = new TickPacer(TickPacer.INTERVAL.toMillis());
    private long ignored;
    private long kept;

    FilterProcessor(Topic<TransferEvent> transfers, DetectorMetrics metrics) {
        this.transfers = transfers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, WalletEvent> context) {
        this.context = context;
        this.check = new WatchedTransferCheck(context.getStateStore(WatchedWalletsStore.NAME));
        // Counting per record in a shared meter would cost more than the filtering itself.
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> flushCounts());
        context.schedule(
                TickPacer.INTERVAL,
                PunctuationType.WALL_CLOCK_TIME,
                now -> pacer.due(now).forEach(this::forwardTick));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            ProgressTick.of(record.headers()).ifPresent(tick -> onTick(tick, record.timestamp()));
            return;
        }
        check.parse(value);
        boolean fromWatched = check.fromWatched;
        boolean toWatched = check.toWatched;
        boolean fromTainted = check.fromTainted;
        if (!fromWatched && !toWatched && !fromTainted) {
            ignored++;
            return;
        }
        kept++;
        TransferEvent event = transfers.decode(value);
        if (fromWatched) {
            context.forward(record.withKey(Keys.address(event.getChainId(), event.getFrom()))
                    .withValue(new WalletEvent.Outflow(event)));
        }
        if (toWatched) {
            context.forward(record.withKey(Keys.address(event.getChainId(), event.getTo()))
                    .withValue(new WalletEvent.Inflow(event)));
            if (event.getKind() == TransferKind.NATIVE || event.getKind() == TransferKind.INTERNAL) {
                context.forward(record.withKey(Keys.address(event.getChainId(), event.getFrom()))
                        .withValue(new WalletEvent.Topup(event)));
            }
        }
        if (fromTainted) {
            context.forward(record.withKey(Keys.address(event.getChainId(), event.getFrom()))
                    .withValue(new WalletEvent.Hop(event)));
        }
    }

    /**
     * The ingestor's progress in this partition goes on to every wallet task, which then knows this
     * partition's transfers through the block have reached it; paced, so a burst sends its highest.
     */
    private void onTick(ProgressTick tick, long timestamp) {
        int partition = context.recordMetadata()
                .map(RecordMetadata::partition)
                .orElseThrow(() -> new IllegalStateException("a tick without its partition"));
        BlockTick progress = new BlockTick(tick.chainId(), tick.block(), partition, tick.partitions());
        pacer.offer(new TickPacer.Paced(progress, timestamp), context.currentSystemTimeMs())
                .ifPresent(this::forwardTick);
    }

    private void forwardTick(TickPacer.Paced paced) {
        BlockTick tick = paced.tick();
        context.forward(new Record<>(ProgressTick.key(tick.chainId()), new WalletEvent.Tick(tick), paced.timestamp()));
    }

    private void flushCounts() {
        metrics.events("transfers", "ignored", ignored);
        metrics.events("transfers", "watched", kept);
        ignored = 0;
        kept = 0;
    }

    @Override
    public void close() {
        flushCounts();
    }
}
