package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one chain's ingestor needs, validated once at start-up.
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
            throw new ConfigException("--chain-id", "must be a positive chain id, got " + chainId);
        }
        if (rpcUrls.isEmpty()) {
            throw new ConfigException("--rpc-url", "at least one HTTP(S) JSON-RPC URL is required");
        }
        if (fromBlock != null && fromBlock < 0) {
            throw new ConfigException("--from-block", "must be 0 or more, got " + fromBlock);
        }
        if (reorgWindow < 2 || reorgWindow > 10_000) {
            throw new ConfigException("--reorg-window", "accepted 2..10000 blocks, got " + reorgWindow);
        }
        if (batchBlocks < 1 || batchBlocks > 1_000) {
            throw new ConfigException("--batch-blocks", "accepted 1..1000, got " + batchBlocks);
        }
        if (finalityDepth < 0) {
            throw new ConfigException(
                    "--finality-depth", "must be 0 (use the node's finalized tag) or more, got " + finalityDepth);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new ConfigException("--poll-interval", "must be positive");
        }
        if (progressTopic.isBlank()) {
            throw new ConfigException("--progress-topic", "must not be empty");
        }
    }
}
