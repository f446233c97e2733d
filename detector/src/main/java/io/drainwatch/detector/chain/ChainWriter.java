package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a step's events (retractions first, then the new blocks) and the chain's progress in one
 * Kafka transaction. The transactional id is derived from the chain id, so a restarted ingestor
 * fences the previous one and aborts whatever it left half-written.
 */
public final class ChainWriter implements AutoCloseable {
    private static final AvroSerde<TransferEvent> TRANSFERS = AvroSerde.of(TransferEvent.class);
    private static final AvroSerde<ApprovalEvent> APPROVALS = AvroSerde.of(ApprovalEvent.class);
    private static final AvroSerde<DelegationEvent> DELEGATIONS = AvroSerde.of(DelegationEvent.class);
    private static final AvroSerde<BalanceSnapshot> BALANCES = AvroSerde.of(BalanceSnapshot.class);
    private static final AvroSerde<BlockHead> HEADS = AvroSerde.of(BlockHead.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final String progressTopic;
    private final long chainId;
    private final IngestMetrics metrics;

    public ChainWriter(
            Map<String, Object> clientProperties,
            Topics topics,
            String progressTopic,
            long chainId,
            IngestMetrics metrics) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(chainId));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "drainwatch-ingest-" + chainId);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.progressTopic = progressTopic;
        this.chainId = chainId;
        this.metrics = metrics;
    }

    /** The transactional id of a chain's ingestor: one live writer per chain. */
    public static String transactionalId(long chainId) {
        return "drainwatch-ingest-" + chainId;
    }

    /** Registers the transactional id, fencing any previous ingestor of this chain. */
    public void init() {
        producer.initTransactions();
    }

    /** Writes retractions, new blocks and progress atomically; on failure nothing of it is visible. */
    public void write(List<BlockEvents> retractions, List<BlockEvents> blocks, Progress progress) {
        producer.beginTransaction();
        try {
            for (BlockEvents b : retractions) {
                send(b);
            }
            for (BlockEvents b : blocks) {
                send(b);
            }
            producer.send(new ProducerRecord<>(progressTopic, Long.toString(chainId), progress.toJson()));
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e; // fatal: another ingestor owns this chain now, or we may not write
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the abort failed too; the next initTransactions (restart) aborts it
            }
            throw e;
        }
        for (BlockEvents b : retractions) {
            count(b);
        }
        for (BlockEvents b : blocks) {
            count(b);
        }
    }

    private void send(BlockEvents b) {
        for (TransferEvent t : b.transfers()) {
            producer.send(new ProducerRecord<>(topics.transfers(), chainId + ":" + t.getFrom(), TRANSFERS.encode(t)));
        }
        for (ApprovalEvent a : b.approvals()) {
            producer.send(new ProducerRecord<>(topics.approvals(), chainId + ":" + a.getOwner(), APPROVALS.encode(a)));
        }
        for (DelegationEvent d : b.delegations()) {
            producer.send(new ProducerRecord<>(
                    topics.delegations(), chainId + ":" + d.getAuthority(), DELEGATIONS.encode(d)));
        }
        for (BalanceSnapshot s : b.balances()) {
            producer.send(new ProducerRecord<>(topics.balances(), chainId + ":" + s.getWallet(), BALANCES.encode(s)));
        }
        producer.send(new ProducerRecord<>(topics.heads(), Long.toString(chainId), HEADS.encode(b.head())));
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
