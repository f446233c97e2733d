package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a step's events (retractions first, then the new blocks) between two {@link ProgressTick}s in
 * every partition of the transfers topic, and the chain's progress, in one Kafka transaction. The transactional
 * id is derived from the chain id, so a restarted ingestor fences the previous one and aborts whatever it
 * left half-written.
 *
 * <p>A commit that times out is retried, as Kafka's producer contract asks (the commit may be under
 * way: nothing else may be attempted). When the outcome stays unknown, or the producer reaches a state
 * no transaction can follow, the writer is {@link #broken()} until {@link #rebuild()} replaces the
 * producer; the new one's {@code initTransactions} completes or aborts what the old one left, and the
 * progress topic then says what was committed.
 */
public final class ChainWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChainWriter.class);
    /** Tries of one commit; each may block for the producer's max.block.ms. */
    static final int COMMIT_ATTEMPTS = 3;

    private final Supplier<Producer<String, byte[]>> producers;
    private Producer<String, byte[]> producer;
    private volatile boolean broken;
    private final TopicCatalogue catalogue;
    private final String progressTopic;
    private final long chainId;
    private final IngestMetrics metrics;
    /** The block of the last tick this writer committed; -1 before its first commit and after a failure. */
    private long ticked = -1;

    public ChainWriter(
            Map<String, Object> clientProperties,
            Topics topics,
            String progressTopic,
            long chainId,
            IngestMetrics metrics) {
        this(producers(clientProperties, chainId), topics, progressTopic, chainId, metrics);
    }

    /** A writer whose producers come from {@code producers} (each call a new one, same transactional id). */
    ChainWriter(
            Supplier<Producer<String, byte[]>> producers,
            Topics topics,
            String progressTopic,
            long chainId,
            IngestMetrics metrics) {
        this.producers = producers;
        this.producer = producers.get();
        this.catalogue = TopicCatalogue.of(topics);
        this.progressTopic = progressTopic;
        this.chainId = chainId;
        this.metrics = metrics;
    }

    /** The transactional producers of a chain's ingestor. */
    static Supplier<Producer<String, byte[]>> producers(Map<String, Object> clientProperties, long chainId) {
        Map<String, Object> props = producerProperties(clientProperties, chainId);
        return () -> new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The configuration of a chain's transactional producer. */
    static Map<String, Object> producerProperties(Map<String, Object> clientProperties, long chainId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(chainId));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "drainwatch-ingest-" + chainId);
        return Map.copyOf(props);
    }

    /** The transactional id of a chain's ingestor: one live writer per chain. */
    public static String transactionalId(long chainId) {
        return "drainwatch-ingest-" + chainId;
    }

    /** Registers the transactional id, fencing any previous ingestor of this chain. */
    public void init() {
        producer.initTransactions();
    }

    /**
     * Whether the last write left the producer where no transaction can follow (a commit of unknown
     * outcome, a fatal producer error): {@link #rebuild()} before writing again, then read the progress.
     */
    public boolean broken() {
        return broken;
    }

    /**
     * Replaces the producer with a new one of the same transactional id; its {@code initTransactions}
     * fences the old one and completes or aborts the transaction it left. Throws when that fails (the
     * writer stays broken; call again).
     */
    public void rebuild() {
        broken = true;
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("event=producer_close_failed chain={} reason=\"{}\"", chainId, e.getMessage());
        }
        producer = producers.get();
        producer.initTransactions();
        broken = false;
    }

    /**
     * Writes retractions, new blocks and progress atomically. On failure the transaction is aborted (or,
     * when the commit's outcome is unknown, the writer is {@link #broken()}), and the exception thrown.
     */
    public void write(List<BlockEvents> retractions, List<BlockEvents> blocks, Progress progress) {
        if (broken) {
            throw new IllegalStateException("the producer needs a rebuild before the next transaction");
        }
        long lastTicked = ticked;
        ticked = -1;
        try {
            producer.beginTransaction();
            leadingTick(retractions, blocks, lastTicked);
            for (BlockEvents b : retractions) {
                send(b);
            }
            for (BlockEvents b : blocks) {
                send(b);
            }
            tick(progress.head().number());
            producer.send(new ProducerRecord<>(progressTopic, Long.toString(chainId), progress.toJson()));
        } catch (ProducerFencedException | AuthorizationException e) {
            broken = true;
            throw e; // fatal: another ingestor owns this chain now, or we may not write
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        commit();
        ticked = progress.head().number();
        for (BlockEvents b : retractions) {
            count(b);
        }
        for (BlockEvents b : blocks) {
            count(b);
        }
    }

    private void commit() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // the commit may be under way: retrying it is the only other operation allowed
                if (attempt >= COMMIT_ATTEMPTS) {
                    broken = true;
                    log.warn(
                            "event=commit_outcome_unknown chain={} attempts={} reason=\"{}\"",
                            chainId,
                            attempt,
                            e.getMessage());
                    throw e;
                }
                log.warn("event=commit_timeout chain={} attempt={} reason=\"{}\"", chainId, attempt, e.getMessage());
            } catch (ProducerFencedException | AuthorizationException e) {
                broken = true;
                throw e;
            } catch (KafkaException e) {
                abort(); // a send of the transaction failed: abortable, unless the producer is in a fatal state
                throw e;
            } catch (RuntimeException e) {
                broken = true;
                throw e;
            }
        }
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // a fatal state (OutOfOrderSequence, a commit in flight, ...): only a new producer can go on
            broken = true;
            log.warn("event=abort_failed chain={} reason=\"{}\"", chainId, e.getMessage());
        }
    }

    private void send(BlockEvents b) {
        b.transfers().forEach(t -> producer.send(catalogue.transfers().record(t)));
        b.approvals().forEach(a -> producer.send(catalogue.approvals().record(a)));
        b.delegations().forEach(d -> producer.send(catalogue.delegations().record(d)));
        b.balances().forEach(s -> producer.send(catalogue.balances().record(s)));
        producer.send(catalogue.heads().record(b.head()));
    }

    /**
     * A progress tick through the block before the step's lowest, ahead of its events: a detector stage
     * that has never seen this chain tick judges what it receives at once, so a detector starting on a
     * topic (a backfill, a new state directory) must meet a tick of each partition before its events to
     * hold them for block order. When the last step this writer committed ended with that very tick (the
     * steps follow each other), it is not repeated.
     */
    private void leadingTick(List<BlockEvents> retractions, List<BlockEvents> blocks, long lastTicked) {
        long lowest = Long.MAX_VALUE;
        for (List<BlockEvents> list : List.of(retractions, blocks)) {
            for (BlockEvents b : list) {
                lowest = Math.min(lowest, b.head().getNumber());
            }
        }
        if (lowest != Long.MAX_VALUE && lowest > 0 && lowest - 1 != lastTicked) {
            tick(lowest - 1);
        }
    }

    /**
     * A progress tick in every partition of the transfers topic, after the step's events: the detector
     * judges payments from different partitions in block order once each partition has ticked past them.
     */
    private void tick(long block) {
        String topic = catalogue.transfers().name();
        int partitions = producer.partitionsFor(topic).size();
        if (partitions > 0) {
            new ProgressTick(chainId, block, partitions).records(topic).forEach(producer::send);
        }
    }

    private void count(BlockEvents b) {
        metrics.events("transfer").increment(b.transfers().size());
        metrics.events("approval").increment(b.approvals().size());
        metrics.events("delegation").increment(b.delegations().size());
        metrics.events("balance").increment(b.balances().size());
        metrics.events("head").increment();
    }

    @Override
    public void close() {
        producer.close();
    }
}
