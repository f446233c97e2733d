package io.drainwatch.detector.chain;

import io.drainwatch.detector.topic.Topic;
import io.drainwatch.schemas.WatchedWallet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched wallets of one chain, followed from the compacted wallets topic (key
 * {@code chainId:address}, a tombstone unwatches) by a background reader.
 */
public final class WatchedWallets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchedWallets.class);

    private final Set<String> addresses = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<WatchedWallet> wallets;
    private final String topic;
    private final String prefix;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public WatchedWallets(Map<String, Object> clientProperties, Topic<WatchedWallet> wallets, long chainId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.wallets = wallets;
        this.topic = wallets.name();
        this.prefix = chainId + ":";
        this.thread = new Thread(this::follow, "watched-wallets-" + chainId);
        this.thread.setDaemon(true);
    }

    /** Starts following and waits (up to {@code timeout}) until the topic has been read to its end once. */
    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("event=wallets_not_caught_up topic={} timeout_ms={}", topic, timeout.toMillis());
        }
    }

    /** The addresses watched now (lowercase hex). */
    public Set<String> snapshot() {
        return Set.copyOf(addresses);
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                if (partitions.isEmpty()) {
                    caughtUp.countDown(); // no such topic yet: nothing is watched
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0
                        && partitions.stream().allMatch(p -> consumer.position(p) >= end.getOrDefault(p, 0L))) {
                    log.info("event=wallets_loaded topic={} watched={}", topic, addresses.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("event=wallets_reader_failed topic={} reason=\"{}\"", topic, e.toString());
        } finally {
            caughtUp.countDown();
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || !r.key().startsWith(prefix)) {
            return;
        }
        String address = r.key().substring(prefix.length()).toLowerCase(java.util.Locale.ROOT);
        if (r.value() == null) {
            addresses.remove(address);
        } else {
            WatchedWallet w = wallets.decode(r.value());
            addresses.add(w.getAddress().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
