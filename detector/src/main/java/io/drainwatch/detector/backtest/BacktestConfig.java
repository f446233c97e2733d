package io.drainwatch.detector.backtest;

import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything a backtest needs, checked once: the node and chain, the range as the options give it
 * (resolved against the node by {@link BlockRange#resolve}), the operator's files, the detector's layered
 * settings, and where the report and (optionally) the broker's data go.
 *
 * @param detectorSettings the detector's settings, layered (defaults, file, {@code --set}); validated by
 *     {@code DetectorConfig}
 * @param dataDir where the embedded broker and the detector's state are kept after the run; null for a
 *     temporary folder deleted at the end
 */
public record BacktestConfig(
        long chainId,
        List<RpcUrl> rpcUrls,
        @Nullable Long fromBlock,
        @Nullable Long toBlock,
        @Nullable Duration last,
        Path wallets,
        @Nullable Path allowlist,
        @Nullable Path labels,
        @Nullable Path prices,
        @Nullable Path truth,
        Map<String, String> detectorSettings,
        Path out,
        @Nullable Path dataDir,
        TraceMode trace,
        int batchBlocks,
        int finalityDepth,
        Duration settleTimeout,
        Duration stallTimeout) {

    public BacktestConfig {
        rpcUrls = List.copyOf(rpcUrls);
        detectorSettings = Map.copyOf(detectorSettings);
        if (chainId <= 0) {
            throw new ConfigException("--chain-id", "must be a positive chain id, got " + chainId);
        }
        if (rpcUrls.isEmpty()) {
            throw new ConfigException(
                    "--rpc-url",
                    "required: one or more HTTP(S) JSON-RPC URLs, as the option or in DRAINWATCH_RPC_URLS");
        }
        if (batchBlocks < 1 || batchBlocks > 1_000) {
            throw new ConfigException("--batch-blocks", "accepted 1..1000, got " + batchBlocks);
        }
        if (finalityDepth < 1) {
            throw new ConfigException("--finality-depth", "must be 1 or more, got " + finalityDepth);
        }
        if (!settleTimeout.isPositive()) {
            throw new ConfigException("--settle-timeout", "must be positive");
        }
        if (!stallTimeout.isPositive()) {
            throw new ConfigException("--stall-timeout", "must be positive");
        }
    }
}
