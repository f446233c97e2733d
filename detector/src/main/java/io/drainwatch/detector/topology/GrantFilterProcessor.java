package io.drainwatch.detector.topology;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.serde.AvroSerde;
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
    private final AvroSerde<T> serde;
    private final Function<T, WalletEvent> event;
    private final OwnerOf<T> owner;
    private final DetectorMetrics metrics;
    private ProcessorContext<String, WalletEvent> context;
    private WatchedWalletsStore watched;
    private long ignored;
    private long kept;

    /** The chain and owner of a grant. */
    interface OwnerOf<T> {
        long chainId(T grant);

        String owner(T grant);
    }

    private GrantFilterProcessor(
            String stream,
            AvroSerde<T> serde,
            Function<T, WalletEvent> event,
            OwnerOf<T> owner,
            DetectorMetrics metrics) {
        this.stream = stream;
        this.serde = serde;
        this.event = event;
        this.owner = owner;
        this.metrics = metrics;
    }

    static GrantFilterProcessor<ApprovalEvent> approvals(DetectorMetrics metrics) {
        return new GrantFilterProcessor<>(
                "approvals",
                AvroSerde.of(ApprovalEvent.class),
                WalletEvent.Approval::new,
                new OwnerOf<>() {
                    @Override
                    public long chainId(ApprovalEvent a) {
                        return a.getChainId();
                    }

                    @Override
                    public String owner(ApprovalEvent a) {
                        return a.getOwner();
                    }
                },
                metrics);
    }

    static GrantFilterProcessor<DelegationEvent> delegations(DetectorMetrics metrics) {
        return new GrantFilterProcessor<>(
                "delegations",
                AvroSerde.of(DelegationEvent.class),
                WalletEvent.Delegation::new,
                new OwnerOf<>() {
                    @Override
                    public long chainId(DelegationEvent d) {
                        return d.getChainId();
                    }

                    @Override
                    public String owner(DelegationEvent d) {
                        return d.getAuthority();
                    }
                },
                metrics);
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
        T grant = serde.decode(record.value());
        long chainId = owner.chainId(grant);
        String wallet = owner.owner(grant);
        if (watched.group(chainId, wallet).isEmpty()) {
            ignored++;
            return;
        }
        kept++;
        context.forward(record.withKey(Keys.address(chainId, wallet)).withValue(event.apply(grant)));
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
