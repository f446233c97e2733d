package io.drainwatch.detector.demo;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link Scenario} to Kafka the way the ingestor, the operator's imports and the custodian's
 * signer would: reference data first, then one block per interval, each block's signed transactions
 * published before the block itself. The producer is idempotent, so a retried send never duplicates
 * a chain event.
 */
public final class ScenarioFeed implements AutoCloseable {
    /** A broker that does not take a block within this fails the feed, naming the broker. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final String bootstrapServers;
    private final TopicCatalogue topics;
    private final Clock clock;
    /** The block of the last tick written here; -1 before the first. */
    private long ticked = -1;

    /** Called after each block is on the broker, with the block's time. */
    @FunctionalInterface
    public interface BlockListener {
        void written(ScenarioBlock block, Instant blockTime);
    }

    public ScenarioFeed(Map<String, Object> clientProperties, Topics topics, Clock clock) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "drainwatch-demo-feed");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis() / 2);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis() / 2);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
        this.bootstrapServers = String.valueOf(props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topics = TopicCatalogue.of(topics);
        this.clock = clock;
    }

    /** Publishes the reference tables and opening balances, and waits until the broker has them. */
    public void writeReference(Scenario scenario) {
        write(scenario.referenceData(clock.instant()));
    }

    /**
     * Publishes one block now: its signed transactions, then its transfers, balances and head between two
     * progress ticks in every partition of the transfers topic, as the ingestor writes a step: one through
     * the block before (unless the last block written here ended with it), one through the block.
     */
    public Instant writeBlock(ScenarioBlock block) {
        Instant now = clock.instant();
        write(block.signedTransactions(now));
        if (block.number() > 0 && block.number() - 1 != ticked) {
            tick(block.chainId(), block.number() - 1);
        }
        write(block.chainRecords(now));
        tick(block.chainId(), block.number());
        ticked = block.number();
        return now;
    }

    /**
     * Publishes blocks {@code from} (inclusive) to {@code to} (exclusive) of {@code scenario}, one per
     * block interval, telling {@code listener} after each.
     */
    public void play(Scenario scenario, int from, int to, BlockListener listener) throws InterruptedException {
        Duration interval = scenario.parameters().blockInterval();
        long start = System.nanoTime();
        for (int index = from; index < to; index++) {
            long due = start + interval.toNanos() * (index - from);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException("scenario feed interrupted before block " + index);
                }
            }
            ScenarioBlock block = scenario.blocks().get(index);
            listener.written(block, writeBlock(block));
        }
    }

    private void tick(long chainId, long block) {
        String transfers = topics.transfers().name();
        int partitions = producer.partitionsFor(transfers).size();
        send(new ProgressTick(chainId, block, partitions).records(transfers));
    }

    private void write(List<FeedRecord> records) {
        send(records.stream().map(this::record).toList());
    }

    private void send(List<ProducerRecord<String, byte[]>> records) {
        AtomicReference<@Nullable Exception> failure = new AtomicReference<>();
        try {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        }
        if (failure.get() != null) {
            throw new KafkaException(
                    "the scenario feed could not write to Kafka at " + bootstrapServers + ": "
                            + failure.get().getMessage(),
                    failure.get());
        }
    }

    /** The record of {@code r} on its topic, keyed as the catalogue keys that topic. */
    @SuppressWarnings("unchecked")
    private ProducerRecord<String, byte[]> record(FeedRecord r) {
        Topic<SpecificRecord> topic =
                (Topic<SpecificRecord>) (Topic<?>) topics.of(r.value().getClass());
        if (!topic.name().equals(r.target().topic(topics.names()))) {
            throw new IllegalStateException(
                    "a " + r.value().getClass().getSimpleName() + " goes to " + topic.name() + ", not " + r.target());
        }
        return topic.record(r.value());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
