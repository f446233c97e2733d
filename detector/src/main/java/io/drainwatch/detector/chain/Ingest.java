package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest role's wiring: an {@link Ingestor} for one chain with its collaborators (an RPC client for
 * blocks and balances, Kafka for the watched wallets and the writes), and the start-up check of the node.
 * {@code drainwatch ingest} builds its {@link IngestConfig} and hands it here.
 */
public final class Ingest {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);

    private Ingest() {}

    /** The ingestor of {@code config} with its collaborators: one RPC client for blocks and balances, Kafka for the rest. */
    public static Ingestor ingestor(IngestConfig config, IngestMetrics metrics) {
        return ingestor(config, metrics, ChainWriter.producers(config.kafka(), config.chainId()));
    }

    /** The ingestor of {@code config}, its Kafka producers made by {@code producers} (tests that break them). */
    public static Ingestor ingestor(
            IngestConfig config, IngestMetrics metrics, Supplier<Producer<String, byte[]>> producers) {
        JsonRpcClient rpc = new JsonRpcClient(config.rpcUrls(), config.rpc(), metrics);
        return new Ingestor(
                config,
                metrics,
                new BlockFetcher(rpc, config.traceMode()),
                new BlockDecoder(config.chainId(), metrics),
                new Enricher(rpc, config.chainId(), metrics),
                new HeadTracker(config.wsUrl(), config.pollInterval()),
                new WatchedWallets(
                        config.kafka(), TopicCatalogue.of(config.topics()).wallets(), config.chainId()),
                new ChainWriter(producers, config.topics(), config.progressTopic(), config.chainId(), metrics),
                Clock.systemUTC());
    }

    /** Stops start-up when the node serves another chain; a node that does not answer yet is only logged. */
    public static void checkChainId(IngestConfig config, IngestMetrics metrics) {
        JsonRpcClient rpc = new JsonRpcClient(config.rpcUrls(), config.rpc(), metrics);
        try {
            long reported = Hex.lng(rpc.call("eth_chainId").asText());
            if (reported != config.chainId()) {
                throw new ConfigException("chain.id", "is " + config.chainId() + " but the node reports " + reported);
            }
        } catch (RpcException e) {
            // the node may be down at start: the loop waits for it; the id is checked by the operator's alerting
            log.warn("event=chain_id_unchecked chain={} reason=\"{}\"", config.chainId(), e.getMessage());
        }
    }
}
