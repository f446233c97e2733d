package io.drainwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three embedded KRaft nodes: a replication factor 3 topic keeps working while one node is down. */
class EmbeddedKafkaFailoverIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.nodes(3);

    @Test
    void replicatedTopicSurvivesTheLossOfTheLeaderAndHealsWhenItReturns() throws Exception {
        Topics topics = Topics.from(Map.of("topic.alerts", "it.failover.alerts"));
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 1, (short) 3);
        String topic = topics.alerts();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(topic, "a", "before")).get(10, TimeUnit.SECONDS);
        }
        int leader = partition(topic).leader().id();

        KAFKA.cluster().stopNode(leader);

        // a producer that only knows the surviving nodes still writes with acks=all (min ISR 2)
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(topic, "b", "during")).get(30, TimeUnit.SECONDS);
        }
        assertThat(partition(topic).leader().id()).isNotEqualTo(leader);

        KAFKA.cluster().startNode(leader);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(partition(topic).isr()).hasSize(3));

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KAFKA.consumerProps("it-failover"))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= 2;
            });
        }
        assertThat(values).containsExactly("before", "during");
        assertThat(KAFKA.bootstrapServers().split(",")).hasSize(3);
    }

    private static TopicPartitionInfo partition(String topic) throws Exception {
        TopicDescription description = KAFKA.admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic);
        return description.partitions().get(0);
    }
}
