package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Settings;
import io.drainwatch.detector.config.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one chain's ingestor needs, validated once at start-up. Built from the ingest role's
 * layered settings by {@link #from}; errors name the setting key.
 *
 * @param fromBlock where to start when no progress is stored (null: the node's head)
 * @param finalityDepth blocks below the head considered final; 0 uses the node's {@code finalized} tag
 */
public record IngestConfig(
        long chainId,
        List<RpcUrl> rpcUrls,
        @Nullable RpcUrl wsUrl,
        @Nullable Long fromBlock,
        TraceMode traceMode,
        int reorgWindow,
        int batchBlocks,
        int finalityDepth,
        Duration pollInterval,
        JsonRpcClient.Settings rpc,
        Map<String, Object> kafka,
        Topics topics,
        String progressTopic) {

    public IngestConfig {
        rpcUrls = List.copyOf(rpcUrls);
        kafka = Map.copyOf(kafka);
        if (chainId <= 0) {
            throw new ConfigException("chain.id", "must be a positive chain id, got " + chainId);
        }
        if (rpcUrls.isEmpty()) {
            throw new ConfigException("rpc.urls", "at least one HTTP(S) JSON-RPC URL is required");
        }
        if (fromBlock != null && fromBlock < 0) {
            throw new ConfigException("ingest.from-block", "must be 0 or more, got " + fromBlock);
        }
        if (reorgWindow < 2 || reorgWindow > 10_000) {
            throw new ConfigException("ingest.reorg-window", "accepted 2..10000 blocks, got " + reorgWindow);
        }
        if (batchBlocks < 1 || batchBlocks > 1_000) {
            throw new ConfigException("ingest.batch-blocks", "accepted 1..1000, got " + batchBlocks);
        }
        if (finalityDepth < 0) {
            throw new ConfigException(
                    "ingest.finality-depth", "must be 0 (use the node's finalized tag) or more, got " + finalityDepth);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new ConfigException("ingest.poll-interval", "must be positive");
        }
        if (progressTopic.isBlank()) {
            throw new ConfigException("ingest.progress-topic", "must not be empty");
        }
    }

    /**
     * The configuration of the ingest role's {@code settings} (see {@code ingest-defaults.properties}),
     * with the Kafka client properties {@code kafka}.
     */
    public static IngestConfig from(Settings settings, Map<String, Object> kafka) {
        List<RpcUrl> urls = settings.list("rpc.urls").stream()
                .map(u -> RpcUrl.parse("rpc.urls", u, "http", "https"))
                .toList();
        if (urls.isEmpty()) {
            throw new ConfigException(
                    "rpc.urls", "required: one or more HTTP(S) JSON-RPC URLs, as --rpc-url or in DRAINWATCH_RPC_URLS");
        }
        RpcUrl ws = settings.optional("ws.url")
                .map(u -> RpcUrl.parse("ws.url", u, "ws", "wss"))
                .orElse(null);
        int attempts = settings.integer("rpc.attempts");
        if (attempts < 1) {
            throw new ConfigException("rpc.attempts", "must be 1 or more");
        }
        int batch = settings.integer("rpc.batch");
        if (batch < 1) {
            throw new ConfigException("rpc.batch", "must be 1 or more");
        }
        double rate = settings.number("rpc.rate");
        if (rate < 0) {
            throw new ConfigException("rpc.rate", "must be 0 (unlimited) or more");
        }
        String trace = settings.string("ingest.trace");
        TraceMode mode = Arrays.stream(TraceMode.values())
                .filter(m -> m.name().equalsIgnoreCase(trace))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        "ingest.trace", "'" + trace + "' is not accepted; accepted: debug, parity, none"));
        return new IngestConfig(
                settings.wholeNumber("chain.id"),
                urls,
                ws,
                settings.optional("ingest.from-block").isPresent() ? settings.wholeNumber("ingest.from-block") : null,
                mode,
                settings.integer("ingest.reorg-window"),
                settings.integer("ingest.batch-blocks"),
                settings.integer("ingest.finality-depth"),
                settings.duration("ingest.poll-interval"),
                new JsonRpcClient.Settings(
                        settings.duration("rpc.timeout"), attempts, Duration.ofMillis(100), batch, rate),
                kafka,
                Topics.from(settings.asMap()),
                settings.string("ingest.progress-topic"));
    }
}
