package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.DelegationEvent;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Stage 1 for grants of control over a wallet (approvals, EIP-7702 delegations): keeps those whose owner
 * is watched, keyed by that wallet. Grants are a small share of chain events next to transfers, so each is
 * decoded before its owner is looked up. A record it cannot read goes to the dead-letter topic.
 */
final class GrantFilterProcessor<T extends org.apache.avro.specific.SpecificRecord>
        implements Processor<byte[], byte[], String, WalletEvent> {
    private final String stream;
    private final Topic<T> topic;
    private final Function<T, WalletEvent> event;
    private final DetectorMetrics metrics;
    private ProcessorContext<String, WalletEvent> context;
    private WatchedWalletsStore watched;
    private long ignored;
    private long kept;

    private GrantFilterProcessor(
            String stream, Topic<T> topic, Function<T, WalletEvent> event, DetectorMetrics metrics) {
        this.stream = stream;
        this.topic = topic;
        this.event = event;
        this.metrics = metrics;
    }

    /** Approvals, keyed by the topic as {@code chainId:owner}. */
    static GrantFilterProcessor<ApprovalEvent> approvals(Topic<ApprovalEvent> topic, DetectorMetrics metrics) {
        return new GrantFilterProcessor<>("approvals", topic, WalletEvent.Approval::new, metrics);
    }

    /** EIP-7702 delegations, keyed by the topic as {@code chainId:authority}. */
    static GrantFilterProcessor<DelegationEvent> delegations(Topic<DelegationEvent> topic, DetectorMetrics metrics) {
        return new GrantFilterProcessor<>("delegations", topic, WalletEvent.Delegation::new, metrics);
    }

    @Override
    public void init(ProcessorContext<String, WalletEvent> context) {
        this.context = context;
        this.watched = context.getStateStore(WatchedWalletsStore.NAME);
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> flushCounts());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        T grant = topic.decode(record.value());
        // the topic's key names the granting wallet, as the chain events' keys name theirs
        String key = topic.key(grant);
        if (watched.group(Keys.chainOf(key), Keys.subjectOf(key)).isEmpty()) {
            ignored++;
            return;
        }
        kept++;
        context.forward(record.withKey(key).withValue(event.apply(grant)));
    }

    private void flushCounts() {
        metrics.events(stream, "ignored", ignored);
        metrics.events(stream, "watched", kept);
        ignored = 0;
        kept = 0;
    }

    @Override
    public void close() {
        flushCounts();
    }
}
