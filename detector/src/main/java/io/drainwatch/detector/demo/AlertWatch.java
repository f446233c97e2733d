package io.drainwatch.detector.demo;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * Follows the detector's output from the beginning, as a downstream consumer would (read_committed,
 * so only what the detector committed): every alert and incident version, in order, kept for the
 * summary and handed to a listener as it arrives.
 */
public final class AlertWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertWatch.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<DrainAlert> alertTopic;
    private final Topic<DrainIncident> incidentTopic;
    private final Listener listener;
    private final List<DrainAlert> alerts = new CopyOnWriteArrayList<>();
    private final List<DrainIncident> incidents = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /** Told about each record as it is read, on the watch's own thread. */
    public interface Listener {
        default void alert(DrainAlert alert) {}

        default void incident(DrainIncident incident) {}
    }

    private AlertWatch(Map<String, Object> clientProperties, Topics topics, Listener listener) {
        this.consumer = new KafkaConsumer<>(
                readCommitted(clientProperties, "drainwatch-demo-watch"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        this.alertTopic = TopicCatalogue.of(topics).alerts();
        this.incidentTopic = TopicCatalogue.of(topics).incidents();
        this.listener = listener;
        this.thread = new Thread(this::run, "drainwatch-demo-watch");
        this.thread.setDaemon(true);
    }

    /** Starts following the alerts and incidents topics from their beginning. */
    public static AlertWatch start(Map<String, Object> clientProperties, Topics topics, Listener listener) {
        AlertWatch watch = new AlertWatch(clientProperties, topics, listener);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.alerts(), topics.incidents())) {
            watch.consumer
                    .partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        watch.consumer.assign(partitions);
        watch.consumer.seekToBeginning(partitions);
        watch.thread.start();
        return watch;
    }

    /** Consumer settings for reading only what the detector committed, without a consumer group. */
    public static Map<String, Object> readCommitted(Map<String, Object> clientProperties, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    /** Every alert version read so far, in topic order. */
    public List<DrainAlert> alerts() {
        return List.copyOf(alerts);
    }

    /** Every incident version read so far, in topic order. */
    public List<DrainIncident> incidents() {
        return List.copyOf(incidents);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        continue;
                    }
                    if (record.topic().equals(alertTopic.name())) {
                        DrainAlert alert = alertTopic.decode(record.value());
                        alerts.add(alert);
                        listener.alert(alert);
                    } else {
                        DrainIncident incident = incidentTopic.decode(record.value());
                        incidents.add(incident);
                        listener.incident(incident);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("event=watch-failed error={}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
