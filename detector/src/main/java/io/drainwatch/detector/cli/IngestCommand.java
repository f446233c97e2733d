package io.drainwatch.detector.cli;

import io.drainwatch.detector.chain.ChainWriter;
import io.drainwatch.detector.chain.Ingest;
import io.drainwatch.detector.chain.IngestConfig;
import io.drainwatch.detector.chain.IngestMetrics;
import io.drainwatch.detector.chain.Ingestor;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Settings;
import io.drainwatch.detector.embedded.AccessCheck;
import io.drainwatch.detector.metrics.MetricsServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drainwatch ingest}: one chain's blocks from JSON-RPC nodes to the chain topics, exactly once.
 * Its settings are layered (ingest-defaults.properties, {@code --config}, {@code DRAINWATCH_*},
 * options, {@code --set}); each option sets one key.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Reads one chain from Ethereum JSON-RPC nodes and writes transfers, approvals, EIP-7702 delegations, "
                        + "balances of watched wallets and block heads to the chain topics: every event once, retracted (removed=true) when a "
                        + "reorg orphans its block, resumed without gap or duplicate after a crash (progress is committed with the events). "
                        + "Settings: ingest-defaults.properties, then --config, DRAINWATCH_* variables, the options, --set.")
public final class IngestCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(IngestCommand.class);

    @Mixin
    RoleOptions role = new RoleOptions();

    @Option(
            names = "--rpc-url",
            split = ",",
            paramLabel = "URL",
            description = "HTTP(S) JSON-RPC URL; repeat or comma-separate for failover, in order of preference"
                    + " (key rpc.urls). Prefer DRAINWATCH_RPC_URLS, which keeps API keys in URLs off the command line.")
    List<String> rpcUrls = new ArrayList<>();

    @Option(
            names = "--ws-url",
            paramLabel = "URL",
            description = "WebSocket URL for newHeads notifications (the trigger); without it, HTTP polling"
                    + " (key ws.url, DRAINWATCH_WS_URL).")
    @Nullable
    String wsUrl;

    @Option(
            names = "--chain-id",
            paramLabel = "ID",
            description = "The chain id, checked against the node's eth_chainId (key chain.id; required).")
    @Nullable
    String chainId;

    @Option(
            names = "--from-block",
            paramLabel = "N",
            description = "First block when no progress is stored (key ingest.from-block; default: the node's head).")
    @Nullable
    String fromBlock;

    @Option(
            names = "--trace",
            paramLabel = "MODE",
            description = "Internal transfers from: debug (debug_traceBlockByHash callTracer), parity (trace_block),"
                    + " none (key ingest.trace; default debug).")
    @Nullable
    String trace;

    @Option(
            names = "--reorg-window",
            paramLabel = "BLOCKS",
            description = "Recent blocks kept to handle reorganisations (key ingest.reorg-window; default 128).")
    @Nullable
    String reorgWindow;

    @Option(
            names = "--batch-blocks",
            paramLabel = "BLOCKS",
            description = "Blocks per batch and per Kafka transaction while catching up (key ingest.batch-blocks;"
                    + " default 20).")
    @Nullable
    String batchBlocks;

    @Option(
            names = "--finality-depth",
            paramLabel = "BLOCKS",
            description = "Blocks below the head taken as final; 0 uses the node's finalized tag"
                    + " (key ingest.finality-depth; default 0).")
    @Nullable
    String finalityDepth;

    @Option(
            names = "--poll-interval",
            paramLabel = "DURATION",
            description = "HTTP polling interval when no WebSocket is up, e.g. 500ms, 1s or PT1S"
                    + " (key ingest.poll-interval; default 1s).")
    @Nullable
    String pollInterval;

    @Option(
            names = "--rpc-timeout",
            paramLabel = "DURATION",
            description = "Timeout of one JSON-RPC request (key rpc.timeout; default 10s).")
    @Nullable
    String rpcTimeout;

    @Option(
            names = "--rpc-attempts",
            paramLabel = "N",
            description = "Attempts per request on timeouts, HTTP 429/5xx and connection errors (key rpc.attempts;"
                    + " default 6).")
    @Nullable
    String rpcAttempts;

    @Option(
            names = "--rpc-rate",
            paramLabel = "PER_SECOND",
            description = "Maximum JSON-RPC calls per second (a batch counts each call); 0 = unlimited"
                    + " (key rpc.rate; default 0).")
    @Nullable
    String rpcRate;

    @Option(
            names = "--rpc-batch",
            paramLabel = "N",
            description = "Maximum calls per JSON-RPC batch (key rpc.batch; default 200).")
    @Nullable
    String rpcBatch;

    @Option(
            names = "--progress-topic",
            paramLabel = "TOPIC",
            description = "Compacted topic of the ingest checkpoints (key ingest.progress-topic;"
                    + " default drainwatch.ingest-progress).")
    @Nullable
    String progressTopic;

    /** The options given, as keys of the ingest role. */
    private OptionLayer options() {
        role.kafka.topics(); // validates the roles
        return new OptionLayer()
                .option("--rpc-url", "rpc.urls", rpcUrls.isEmpty() ? null : rpcUrls)
                .option("--ws-url", "ws.url", wsUrl)
                .option("--chain-id", "chain.id", chainId)
                .option("--from-block", "ingest.from-block", fromBlock)
                .option("--trace", "ingest.trace", trace)
                .option("--reorg-window", "ingest.reorg-window", reorgWindow)
                .option("--batch-blocks", "ingest.batch-blocks", batchBlocks)
                .option("--finality-depth", "ingest.finality-depth", finalityDepth)
                .option("--poll-interval", "ingest.poll-interval", pollInterval)
                .option("--rpc-timeout", "rpc.timeout", rpcTimeout)
                .option("--rpc-attempts", "rpc.attempts", rpcAttempts)
                .option("--rpc-rate", "rpc.rate", rpcRate)
                .option("--rpc-batch", "rpc.batch", rpcBatch)
                .option("--progress-topic", "ingest.progress-topic", progressTopic)
                .entries("--topic", "topic.", role.kafka.topicOverrides)
                .with(role.metrics.layer());
    }

    /** The validated configuration of this command line and the process's environment. */
    public IngestConfig config() {
        return config(System.getenv());
    }

    IngestConfig config(Map<String, String> env) {
        return build(env).config();
    }

    private Built build(Map<String, String> env) {
        OptionLayer options = options();
        Settings layered = role.settings.settings(Role.INGEST, options, env);
        try {
            return new Built(
                    IngestConfig.from(layered, role.kafka.clientProperties()),
                    layered.string("metrics.host"),
                    layered.port("metrics.port"),
                    options);
        } catch (ConfigException e) {
            throw options.named(e);
        }
    }

    private record Built(IngestConfig config, String metricsHost, int metricsPort, OptionLayer options) {}

    @Override
    public Integer call() throws Exception {
        Built built = build(System.getenv());
        IngestConfig config = built.config();
        Preflight.check(
                new AccessCheck.Needs(Role.INGEST, null, ChainWriter.transactionalId(config.chainId())),
                config.topics(),
                role.kafka.clientProperties(),
                role.kafka.bootstrapServers());
        try (MetricsServer server = MetricsServer.start(built.metricsHost(), built.metricsPort(), "ingest")) {
            IngestMetrics metrics = new IngestMetrics(server.registry(), config.chainId());
            try {
                Ingest.checkChainId(config, metrics);
            } catch (ConfigException e) {
                throw built.options().named(e);
            }
            log.info(
                    "event=ingest_configured chain={} rpc={} ws={} trace={} window={} metrics_port={}",
                    config.chainId(),
                    config.rpcUrls().stream().map(RpcUrl::redacted).toList(),
                    config.wsUrl() == null ? "none" : config.wsUrl().redacted(),
                    config.traceMode(),
                    config.reorgWindow(),
                    server.port());
            Ingestor ingestor = Ingest.ingestor(config, metrics);
            server.readiness(ingestor::ready);
            CountDownLatch finished = new CountDownLatch(1);
            // on SIGTERM, stop between steps and let the producer close; a SIGKILL is covered by the transactions
            Thread hook = new Thread(
                    () -> {
                        ingestor.close();
                        try {
                            finished.await(10, TimeUnit.SECONDS);
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
            }
        }
        return 0;
    }
}
