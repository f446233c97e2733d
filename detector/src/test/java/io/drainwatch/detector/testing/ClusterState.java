package io.drainwatch.detector.testing;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** The state of an embedded cluster when a test failed: brokers, partition leaders and Kafka threads. */
final class ClusterState extends RuntimeException {
    private static final long ANSWER_MS = 5_000;
    private static final int FRAMES = 6;

    ClusterState(String description) {
        super(description, null, false, false);
    }

    static String describe(String bootstrapServers, Admin admin) {
        StringBuilder text =
                new StringBuilder("cluster at ").append(bootstrapServers).append('\n');
        try {
            text.append("  brokers: ")
                    .append(admin.describeCluster().nodes().get(ANSWER_MS, TimeUnit.MILLISECONDS))
                    .append('\n');
            Set<String> names = admin.listTopics().names().get(ANSWER_MS, TimeUnit.MILLISECONDS);
            Map<String, TopicDescription> topics =
                    admin.describeTopics(names).allTopicNames().get(ANSWER_MS, TimeUnit.MILLISECONDS);
            topics.values().stream()
                    .sorted(Comparator.comparing(TopicDescription::name))
                    .forEach(topic -> topic.partitions()
                            .forEach(p -> text.append("  ")
                                    .append(topic.name())
                                    .append('-')
                                    .append(p.partition())
                                    .append(" leader=")
                                    .append(
                                            p.leader() == null
                                                    ? "none"
                                                    : p.leader().idString())
                                    .append(" isr=")
                                    .append(p.isr().stream()
                                            .map(n -> n.idString())
                                            .toList())
                                    .append('\n')));
        } catch (Exception e) {
            text.append("  the cluster did not answer: ").append(e).append('\n');
        }
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (LeakCheck.isKafkaThread(thread, stack)) {
                text.append("  thread \"")
                        .append(thread.getName())
                        .append("\" ")
                        .append(thread.getState())
                        .append('\n');
                Arrays.stream(stack)
                        .limit(FRAMES)
                        .forEach(f -> text.append("      at ").append(f).append('\n'));
            }
        });
        return text.toString();
    }
}
