package io.drainwatch.detector.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * The ingestor's meters, all labelled with the chain id only plus labels from fixed sets (method,
 * outcome, kind, type): never a URL, address or hash.
 */
public final class IngestMetrics {
    /** Histogram buckets of the RPC latency: a few per decade, from a local node to a slow remote one. */
    private static final Duration[] RPC_BUCKETS = LongStream.of(
                    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000)
            .mapToObj(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final String chain;
    private final AtomicLong headLagBlocks = new AtomicLong();
    private final AtomicLong lastBlockTimestamp = new AtomicLong();
    private final AtomicLong headTimestamp = new AtomicLong();
    private final Counter blocks;
    private final Counter reorgs;
    private final Counter deepReorgs;
    private final DistributionSummary reorgDepth;

    public IngestMetrics(MeterRegistry registry, long chainId) {
        this.registry = registry;
        this.chain = Long.toString(chainId);
        Gauge.builder("drainwatch.ingest.head.lag.blocks", headLagBlocks, AtomicLong::get)
                .description("Blocks between the node's head and the last block written")
                .tag("chain", chain)
                .register(registry);
        // Chain time, not wall-clock time: a node that stopped following the chain shows no lag here (its
        // head does not move), only an old last block (drainwatch_ingest_last_block_timestamp_seconds).
        Gauge.builder("drainwatch.ingest.head.lag.seconds", this, IngestMetrics::headLagSeconds)
                .description("Block time between the node's head and the last block written")
                .tag("chain", chain)
                .register(registry);
        Gauge.builder("drainwatch.ingest.last.block.timestamp.seconds", lastBlockTimestamp, AtomicLong::get)
                .description("Timestamp of the last block written")
                .tag("chain", chain)
                .register(registry);
        blocks = Counter.builder("drainwatch.ingest.blocks")
                .description("Blocks written")
                .tag("chain", chain)
                .register(registry);
        reorgs = Counter.builder("drainwatch.ingest.reorgs")
                .description("Chain reorganisations handled")
                .tag("chain", chain)
                .register(registry);
        deepReorgs = Counter.builder("drainwatch.ingest.deep.reorgs")
                .description("Reorganisations deeper than the window or below finality")
                .tag("chain", chain)
                .register(registry);
        reorgDepth = DistributionSummary.builder("drainwatch.ingest.reorg.depth")
                .baseUnit("blocks")
                .description("Blocks orphaned per reorganisation")
                .tag("chain", chain)
                .register(registry);
        for (String type : new String[] {"transfer", "approval", "delegation", "balance", "head"}) {
            events(type);
        }
        for (Undecodable type : Undecodable.values()) {
            undecodableCounter(type);
        }
        for (StateRead read : StateRead.values()) {
            stateReadFailures(read);
        }
        for (RpcErrorKind kind : RpcErrorKind.values()) {
            rpcErrors(kind);
        }
    }

    /** A read of account state at a block for enrichment; the {@code read} label. */
    enum StateRead {
        /** eth_getBalance of a watched wallet. */
        BALANCE,
        /** balanceOf(wallet) of a token, by eth_call. */
        TOKEN_BALANCE,
        /** eth_getTransactionCount of a destination (freshness). */
        NONCE,
        /** eth_getCode of a destination (freshness). */
        CODE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    void stateReadFailed(StateRead read) {
        stateReadFailures(read).increment();
    }

    private Counter stateReadFailures(StateRead read) {
        return Counter.builder("drainwatch.ingest.state.read.failures")
                .description("State reads for enrichment the node did not answer (a pruned, non-archive node, a"
                        + " token without balanceOf); the fields stay empty")
                .tags("chain", chain, "read", read.label())
                .register(registry);
    }

    /** What kind of chain item was skipped because it is not what its shape claims; the {@code type} label. */
    enum Undecodable {
        /** A log with a standard event's topic and topic count whose data does not decode as that event. */
        LOG,
        /** An EIP-7702 authorisation the protocol would skip, or whose authority cannot be recovered. */
        AUTHORIZATION,
        /** A call (top level or a trace frame) whose permit arguments do not decode. */
        CALL,
        /** What is left of a transaction after an unexpected failure in decoding it. */
        TRANSACTION;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    void undecodable(Undecodable type) {
        undecodableCounter(type).increment();
    }

    private Counter undecodableCounter(Undecodable type) {
        return Counter.builder("drainwatch.ingest.undecodable")
                .description("Chain items skipped because they do not decode as the standard they claim, by type")
                .tags("chain", chain, "type", type.label())
                .register(registry);
    }

    /** Meters that go nowhere, for tools and tests that do not serve metrics. */
    public static IngestMetrics discarding(long chainId) {
        return new IngestMetrics(new SimpleMeterRegistry(), chainId);
    }

    void rpc(String method, String outcome, long nanos) {
        Timer.builder("drainwatch.rpc.request")
                .description("JSON-RPC request latency (a batch counts once)")
                .tags("chain", chain, "method", method, "outcome", outcome)
                .serviceLevelObjectives(RPC_BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    void rpcError(RpcErrorKind kind) {
        rpcErrors(kind).increment();
    }

    /** Registered for every kind at start, so /metrics shows 0 before the first failure and a rate has a base. */
    private Counter rpcErrors(RpcErrorKind kind) {
        return Counter.builder("drainwatch.rpc.errors")
                .description("Failed JSON-RPC attempts")
                .tags("chain", chain, "kind", kind.label())
                .register(registry);
    }

    Counter events(String type) {
        return Counter.builder("drainwatch.ingest.events")
                .description("Events written, by type")
                .tags("chain", chain, "type", type)
                .register(registry);
    }

    void block(long number, long timestampSeconds, long tipNumber) {
        blocks.increment();
        lastBlockTimestamp.set(timestampSeconds);
        headTimestamp.accumulateAndGet(timestampSeconds, Math::max);
        headLagBlocks.set(Math.max(0, tipNumber - number));
    }

    /** The node's head as last seen, against the last block written. */
    void tip(long tipNumber, long tipTimestampSeconds, long writtenNumber) {
        headLagBlocks.set(Math.max(0, tipNumber - writtenNumber));
        headTimestamp.set(tipTimestampSeconds);
    }

    private double headLagSeconds() {
        long written = lastBlockTimestamp.get();
        return written == 0 ? 0 : Math.max(0, headTimestamp.get() - written);
    }

    void reorg(int depth, boolean deep) {
        reorgs.increment();
        reorgDepth.record(depth);
        if (deep) {
            deepReorgs.increment();
        }
    }

    /** The registry, for tests that read a meter. */
    public MeterRegistry registry() {
        return registry;
    }
}
