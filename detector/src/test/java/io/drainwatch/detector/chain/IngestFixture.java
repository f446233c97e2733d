package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.WatchedWallet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/** Topics of one test (unique names) and ingestors running against them. */
final class IngestFixture {
    final KafkaClusterExtension kafka;
    final Topics topics;
    final String progressTopic;

    IngestFixture(KafkaClusterExtension kafka, String prefix) {
        this.kafka = kafka;
        Topics d = Topics.defaults();
        this.topics = new Topics(
                prefix + ".transfers",
                prefix + ".approvals",
                prefix + ".delegations",
                prefix + ".balances",
                prefix + ".heads",
                prefix + ".wallets",
                d.labels(),
                d.allowlist(),
                d.prices(),
                d.signedTx(),
                d.alerts(),
                d.incidents(),
                d.deadLetter());
        this.progressTopic = prefix + ".progress";
        for (String t : List.of(
                topics.transfers(),
                topics.approvals(),
                topics.delegations(),
                topics.balances(),
                topics.heads(),
                topics.wallets())) {
            kafka.createTopic(t, t.equals(topics.heads()) ? 1 : 3, 1);
        }
    }

    IngestConfig config(AnvilNode anvil, @Nullable Long fromBlock, boolean websocket) {
        return config(anvil, fromBlock, websocket, 0);
    }

    IngestConfig config(AnvilNode anvil, @Nullable Long fromBlock, boolean websocket, int finalityDepth) {
        return config(anvil, fromBlock, websocket, finalityDepth, TraceMode.DEBUG);
    }

    IngestConfig config(
            AnvilNode anvil, @Nullable Long fromBlock, boolean websocket, int finalityDepth, TraceMode traces) {
        return config(anvil, fromBlock, websocket, finalityDepth, traces, 128);
    }

    IngestConfig config(
            AnvilNode anvil,
            @Nullable Long fromBlock,
            boolean websocket,
            int finalityDepth,
            TraceMode traces,
            int window) {
        return new IngestConfig(
                AnvilNode.CHAIN_ID,
                List.of(anvil.httpUrl()),
                websocket ? anvil.wsUrl() : null,
                fromBlock,
                traces,
                window,
                20,
                finalityDepth,
                Duration.ofMillis(200),
                new JsonRpcClient.Settings(Duration.ofSeconds(5), 4, Duration.ofMillis(50), 200, 0),
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                topics,
                progressTopic);
    }

    /** Starts an ingestor in a thread of this JVM. */
    Running start(IngestConfig config) {
        IngestMetrics metrics = IngestMetrics.discarding(config.chainId());
        Ingestor ingestor = Ingest.ingestor(config, metrics);
        Thread thread = new Thread(ingestor, "ingestor-under-test");
        thread.start();
        return new Running(ingestor, thread, metrics);
    }

    record Running(Ingestor ingestor, Thread thread, IngestMetrics metrics) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            ingestor.close();
            thread.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    void watch(String address) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            WatchedWallet w = WatchedWallet.newBuilder()
                    .setChainId(AnvilNode.CHAIN_ID)
                    .setAddress(address)
                    .setCustodyGroup("it")
                    .build();
            producer.send(TopicCatalogue.of(topics).wallets().record(w));
        }
    }

    <T extends org.apache.avro.specific.SpecificRecord> TopicReader<T> reader(String topic, Class<T> type) {
        return new TopicReader<>(kafka.bootstrapServers(), topic, type);
    }
}
