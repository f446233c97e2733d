package io.drainwatch.detector.cli;

import io.drainwatch.detector.alert.AlertJson;
import io.drainwatch.detector.alert.AlertText;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Prints alerts and incident updates as they arrive, read straight from their topics' partitions
 * (no consumer group, nothing committed), so it runs against any cluster without side effects.
 */
final class AlertTail {
    /** How records are printed. */
    enum Format {
        HUMAN,
        JSON
    }

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    int run(KafkaOptions kafka, boolean fromBeginning, Format format, long max, PrintWriter out, PrintWriter err) {
        TopicCatalogue catalogue = TopicCatalogue.of(kafka.topics());
        Topic<DrainAlert> alerts = catalogue.alerts();
        Topic<DrainIncident> incidents = catalogue.incidents();
        String alertTopic = alerts.name();
        String incidentTopic = incidents.name();
        Map<String, Object> props = kafka.clientProperties();
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "drainwatch-alerts-tail");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // alerts written inside the detector's transactions appear once committed, never twice
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(
                    () -> {
                        consumer.wakeup();
                        try {
                            main.join(5_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "alerts-tail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<TopicPartition> partitions = new ArrayList<>(partitions(consumer, alertTopic, "alerts"));
                partitions.addAll(partitions(consumer, incidentTopic, "incidents"));
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                // resolve the start offsets now, so "only new" means new from this moment, not from the first poll
                partitions.forEach(consumer::position);
                err.println("drainwatch: reading " + alertTopic + " and " + incidentTopic
                        + (fromBeginning ? " from the beginning" : ", new records only")
                        + (max > 0 ? ", at most " + max : ""));
                err.flush();
                long printed = 0;
                while (max <= 0 || printed < max) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null) {
                            continue; // a compacted incident removed: nothing to show
                        }
                        try {
                            String text = record.topic().equals(alertTopic)
                                    ? render(format, alerts.decode(record.value()))
                                    : render(format, incidents.decode(record.value()));
                            out.println(text);
                            printed++;
                        } catch (SerializationException e) {
                            err.println("drainwatch: skipped " + record.topic() + "-" + record.partition() + "@"
                                    + record.offset() + ": " + e.getMessage());
                            err.flush();
                        }
                        if (max > 0 && printed >= max) {
                            break;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C: leave quietly
            } catch (KafkaException e) {
                err.println("drainwatch: cannot read " + alertTopic + " and " + incidentTopic + ": " + e.getMessage());
                err.flush();
                return 1;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down
                }
            }
        }
        out.flush();
        return 0;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, String role) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new ConfigException(
                    "--topic " + role,
                    "topic '" + topic + "' does not exist on this cluster"
                            + " (create it with 'drainwatch topics create' or name it with --topic " + role + "=NAME)");
        }
        return infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private static String render(Format format, DrainAlert alert) {
        return format == Format.JSON ? AlertJson.line("alert", alert) : AlertText.alert(alert);
    }

    private static String render(Format format, DrainIncident incident) {
        return format == Format.JSON ? AlertJson.line("incident", incident) : AlertText.incident(incident);
    }
}
