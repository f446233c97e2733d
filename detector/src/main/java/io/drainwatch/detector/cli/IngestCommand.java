package io.drainwatch.detector.cli;

import io.drainwatch.detector.chain.Ingest;
import io.drainwatch.detector.chain.IngestConfig;
import io.drainwatch.detector.chain.IngestMetrics;
import io.drainwatch.detector.chain.Ingestor;
import io.drainwatch.detector.chain.JsonRpcClient;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.metrics.MetricsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch ingest}: one chain's blocks from JSON-RPC nodes to the chain topics, exactly once. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Reads one chain from Ethereum JSON-RPC nodes and writes transfers, approvals, EIP-7702 delegations, "
                        + "balances of watched wallets and block heads to the chain topics: every event once, retracted (removed=true) when a "
                        + "reorg orphans its block, resumed without gap or duplicate after a crash (progress is committed with the events).")
public final class IngestCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(IngestCommand.class);

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--rpc-url",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_RPC_URLS}",
            description = "HTTP(S) JSON-RPC URL; repeat or comma-separate for failover, in order of preference."
                    + " Default: DRAINWATCH_RPC_URLS, which keeps API keys in URLs off the command line.")
    List<String> rpcUrls = new ArrayList<>();

    @Option(
            names = "--ws-url",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_WS_URL}",
            description = "WebSocket URL for newHeads notifications (the trigger); without it, HTTP polling."
                    + " Default: DRAINWATCH_WS_URL.")
    @Nullable
    String wsUrl;

    @Option(
            names = "--chain-id",
            required = true,
            description = "The chain id; checked against the node's eth_chainId.")
    long chainId;

    @Option(names = "--from-block", description = "First block when no progress is stored (default: the node's head).")
    @Nullable
    Long fromBlock;

    @Option(
            names = "--trace",
            defaultValue = "debug",
            description =
                    "Internal transfers from: debug (debug_traceBlockByHash callTracer), parity (trace_block), none. Default ${DEFAULT-VALUE}.")
    TraceMode trace = TraceMode.DEBUG;

    @Option(
            names = "--reorg-window",
            defaultValue = "128",
            description = "Recent blocks kept to handle reorganisations (default ${DEFAULT-VALUE}).")
    int reorgWindow = 128;

    @Option(
            names = "--batch-blocks",
            defaultValue = "20",
            description = "Blocks per batch and per Kafka transaction while catching up (default ${DEFAULT-VALUE}).")
    int batchBlocks = 20;

    @Option(
            names = "--finality-depth",
            defaultValue = "0",
            description = "Blocks below the head taken as final; 0 uses the node's finalized tag (default).")
    int finalityDepth;

    @Option(
            names = "--poll-interval",
            defaultValue = "PT1S",
            description = "HTTP polling interval when no WebSocket is up (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration pollInterval = Duration.ofSeconds(1);

    @Option(
            names = "--rpc-timeout",
            defaultValue = "PT10S",
            description = "Timeout of one JSON-RPC request (default ${DEFAULT-VALUE}).")
    Duration rpcTimeout = Duration.ofSeconds(10);

    @Option(
            names = "--rpc-attempts",
            defaultValue = "6",
            description =
                    "Attempts per request on timeouts, HTTP 429/5xx and connection errors (default ${DEFAULT-VALUE}).")
    int rpcAttempts = 6;

    @Option(
            names = "--rpc-rate",
            defaultValue = "0",
            description = "Maximum JSON-RPC calls per second (a batch counts each call); 0 = unlimited.")
    double rpcRate;

    @Option(
            names = "--rpc-batch",
            defaultValue = "200",
            description = "Maximum calls per JSON-RPC batch (default ${DEFAULT-VALUE}).")
    int rpcBatch = 200;

    @Option(
            names = "--progress-topic",
            defaultValue = "drainwatch.ingest-progress",
            description = "Compacted topic of the ingest checkpoints (default ${DEFAULT-VALUE}).")
    String progressTopic = "drainwatch.ingest-progress";

    @Option(
            names = "--metrics-port",
            defaultValue = "9401",
            description = "Port of /metrics; 0 disables (default ${DEFAULT-VALUE}).")
    int metricsPort = 9401;

    @Option(
            names = "--metrics-host",
            defaultValue = "0.0.0.0",
            description = "Interface of /metrics (default ${DEFAULT-VALUE}).")
    String metricsHost = "0.0.0.0";

    /** The validated configuration of this command line. */
    public IngestConfig config() {
        List<RpcUrl> urls = rpcUrls.stream()
                .filter(u -> !u.isBlank())
                .map(u -> RpcUrl.parse("--rpc-url", u, "http", "https"))
                .toList();
        if (urls.isEmpty()) {
            throw new ConfigException(
                    "--rpc-url",
                    "required: one or more HTTP(S) JSON-RPC URLs, as the option or in DRAINWATCH_RPC_URLS");
        }
        RpcUrl ws = wsUrl == null || wsUrl.isBlank() ? null : RpcUrl.parse("--ws-url", wsUrl, "ws", "wss");
        if (rpcAttempts < 1) {
            throw new ConfigException("--rpc-attempts", "must be 1 or more");
        }
        if (rpcBatch < 1) {
            throw new ConfigException("--rpc-batch", "must be 1 or more");
        }
        if (rpcTimeout.isNegative() || rpcTimeout.isZero()) {
            throw new ConfigException("--rpc-timeout", "must be positive");
        }
        return new IngestConfig(
                chainId,
                urls,
                ws,
                fromBlock,
                trace,
                reorgWindow,
                batchBlocks,
                finalityDepth,
                pollInterval,
                new JsonRpcClient.Settings(rpcTimeout, rpcAttempts, Duration.ofMillis(100), rpcBatch, rpcRate),
                kafka.clientProperties(),
                kafka.topics(),
                progressTopic);
    }

    @Override
    public Integer call() throws Exception {
        IngestConfig config = config();
        MetricsServer server = metricsPort == 0 ? null : MetricsServer.start(metricsHost, metricsPort, "ingest");
        IngestMetrics metrics =
                new IngestMetrics(server == null ? new SimpleMeterRegistry() : server.registry(), chainId);
        Ingest.checkChainId(config, metrics);
        log.info(
                "event=ingest_configured chain={} rpc={} ws={} trace={} window={} metrics_port={}",
                chainId,
                config.rpcUrls().stream().map(RpcUrl::redacted).toList(),
                config.wsUrl() == null ? "none" : config.wsUrl().redacted(),
                trace,
                reorgWindow,
                server == null ? 0 : server.port());
        Ingestor ingestor = Ingest.ingestor(config, metrics);
        if (server != null) {
            server.readiness(ingestor::ready);
        }
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // on SIGTERM, stop between steps and let the producer close; a SIGKILL is covered by the transactions
        Thread hook = new Thread(
                () -> {
                    ingestor.close();
                    try {
                        finished.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ingestor.run();
        } finally {
            finished.countDown();
            if (server != null) {
                server.close();
            }
        }
        return 0;
    }
}
