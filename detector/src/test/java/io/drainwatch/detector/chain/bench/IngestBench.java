package io.drainwatch.detector.chain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.chain.DevChain;
import io.drainwatch.detector.chain.Ingest;
import io.drainwatch.detector.chain.IngestConfig;
import io.drainwatch.detector.chain.IngestMetrics;
import io.drainwatch.detector.chain.Ingestor;
import io.drainwatch.detector.chain.JsonRpcClient;
import io.drainwatch.detector.chain.RpcCall;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.web3j.crypto.Credentials;

/**
 * Ingest benchmarks against a real anvil node and an embedded Kafka broker; prints its figures.
 *
 * <pre>
 *   backfill [blocks=2000] [transfers=300]   generated history, then ingest from block 1 at full speed,
 *                                             beside the raw JSON-RPC calls of the same blocks
 *   latency  [samples=200]                   block mined (evm_mine) → its transfer readable (read_committed)
 * </pre>
 *
 * Run with {@code bin/bench-ingest}.
 */
public final class IngestBench {
    private static final long CHAIN = AnvilNode.CHAIN_ID;
    private static final int BATCH_BLOCKS = 20;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "backfill";
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            switch (mode) {
                case "backfill" -> backfill(kafka, arg(args, 1, 2000), arg(args, 2, 300));
                case "latency" -> latency(kafka, arg(args, 1, 200));
                default -> throw new IllegalArgumentException("modes: backfill, latency");
            }
        }
        System.exit(0);
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static Topics topics(EmbeddedKafka kafka, String prefix) throws Exception {
        Topics d = Topics.defaults();
        Topics t = new Topics(
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
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<NewTopic> create = new ArrayList<>();
            for (String name :
                    List.of(t.transfers(), t.approvals(), t.delegations(), t.balances(), t.heads(), t.wallets())) {
                create.add(new NewTopic(name, name.endsWith(".transfers") ? 3 : 1, (short) 1));
            }
            admin.createTopics(create).all().get();
        }
        return t;
    }

    private static IngestConfig config(
            EmbeddedKafka kafka, AnvilNode anvil, Topics topics, Long from, boolean ws, String prefix) {
        return new IngestConfig(
                CHAIN,
                List.of(anvil.httpUrl()),
                ws ? anvil.wsUrl() : null,
                from,
                TraceMode.DEBUG,
                128,
                BATCH_BLOCKS,
                0,
                Duration.ofMillis(100),
                new JsonRpcClient.Settings(Duration.ofSeconds(30), 4, Duration.ofMillis(100), 200, 0),
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        "batch.size",
                        System.getProperty("bench.batch", "16384"),
                        "compression.type",
                        System.getProperty("bench.compression", "lz4")),
                topics,
                prefix + ".progress");
    }

    private static void backfill(EmbeddedKafka kafka, int blocks, int transfersPerBlock) throws Exception {
        try (AnvilNode anvil = AnvilNode.start("--gas-limit", "100000000")) {
            DevChain chain = new DevChain(anvil);
            Credentials sender = DevChain.dev(0);
            String spray = chain.deploy(sender, "Spray");
            long genStart = System.nanoTime();
            String last = "";
            for (int i = 0; i < blocks; i++) {
                last = chain.send(
                        sender,
                        spray,
                        BigInteger.valueOf(1_000_000),
                        DevChain.call("spray", DevChain.uint(transfersPerBlock), DevChain.uint(i)),
                        12_000_000);
                // one block per transaction: wait until it is mined so anvil's pool never backs up
                while (anvil.call("eth_getTransactionReceipt", last).isNull()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            JsonNode receipt = anvil.call("eth_getTransactionReceipt", last);
            while (receipt.isNull()) { // anvil may still be mining the queue
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                receipt = anvil.call("eth_getTransactionReceipt", last);
            }
            long head = anvil.blockNumber();
            System.out.printf(
                    "generated blocks=%d (head %d) transfers_per_block~%d in %.1f s%n",
                    blocks, head, transfersPerBlock + 11, seconds(genStart));

            double raw1 = rawRpc(anvil, head);
            Topics topics = topics(kafka, "bench-backfill");
            IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), CHAIN);
            Ingestor ingestor = Ingest.ingestor(config(kafka, anvil, topics, 1L, false, "bench-backfill"), metrics);
            Thread thread = new Thread(ingestor, "bench-ingestor");
            long start = System.nanoTime();
            thread.start();
            while (ingestor.head().map(e -> e.number() < head).orElse(true)) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            double secs = seconds(start);
            double events = metrics.registry().find("drainwatch.ingest.events").counters().stream()
                    .mapToDouble(Counter::count)
                    .sum();
            ingestor.close();
            thread.join();
            double raw2 = rawRpc(anvil, head);
            double ingestRate = head / secs;
            double raw = (raw1 + raw2) / 2;
            System.out.printf(
                    "raw JSON-RPC (blocks+receipts+callTracer traces, batches of %d blocks): %.0f blocks/s, %.0f blocks/s (two passes)%n",
                    BATCH_BLOCKS, raw1, raw2);
            System.out.printf(
                    "ingest (fetch+decode+Avro+Kafka transactions, from block 1): %d blocks in %.2f s = %.0f blocks/s, %.0f events/s (%d events)%n",
                    head, secs, ingestRate, events / secs, (long) events);
            System.out.printf("ingest / raw RPC = %.2f%n", ingestRate / raw);
        }
    }

    /** The JSON-RPC calls the ingestor makes for blocks 1..head, alone: blocks/s. */
    private static double rawRpc(AnvilNode anvil, long head) {
        JsonRpcClient rpc = new JsonRpcClient(
                List.of(anvil.httpUrl()),
                new JsonRpcClient.Settings(Duration.ofSeconds(30), 4, Duration.ofMillis(100), 200, 0),
                IngestMetrics.discarding(CHAIN));
        long start = System.nanoTime();
        for (long from = 1; from <= head; from += BATCH_BLOCKS) {
            List<RpcCall> headers = new ArrayList<>();
            for (long n = from; n <= Math.min(head, from + BATCH_BLOCKS - 1); n++) {
                headers.add(RpcCall.of("eth_getBlockByNumber", "0x" + Long.toHexString(n), true));
            }
            List<RpcCall> details = new ArrayList<>();
            for (JsonNode block : rpc.batchStrict(headers)) {
                String hash = block.get("hash").asText();
                details.add(RpcCall.of("eth_getBlockReceipts", hash));
                details.add(RpcCall.of("debug_traceBlockByHash", hash, Map.of("tracer", "callTracer")));
            }
            rpc.batchStrict(details);
        }
        return head / seconds(start);
    }

    private static void latency(EmbeddedKafka kafka, int samples) throws Exception {
        try (AnvilNode anvil = AnvilNode.start("--no-mining")) {
            for (boolean ws : new boolean[] {true, false}) {
                String prefix = "bench-latency-" + (ws ? "ws" : "poll");
                Topics topics = topics(kafka, prefix);
                anvil.call("evm_mine");
                Ingestor ingestor = Ingest.ingestor(
                        config(kafka, anvil, topics, null, ws, prefix), IngestMetrics.discarding(CHAIN));
                Thread thread = new Thread(ingestor, "bench-ingestor");
                thread.start();
                Map<String, Long> arrivals = new ConcurrentHashMap<>();
                java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread reader = new Thread(() -> follow(kafka, topics.transfers(), arrivals, reading), "bench-reader");
                reader.start();
                DevChain chain = new DevChain(anvil);
                Credentials sender = DevChain.dev(1);
                String to = DevChain.address(DevChain.dev(2));
                // warm-up: the first blocks pay for class loading and connection set-up
                long[] latencies = new long[samples];
                for (int i = -20; i < samples; i++) {
                    String tx = chain.send(sender, to, BigInteger.ONE, "", 21_000);
                    long mined = System.nanoTime();
                    anvil.call("evm_mine");
                    while (!arrivals.containsKey(tx)) {
                        LockSupport.parkNanos(200_000);
                    }
                    if (i >= 0) {
                        latencies[i] = arrivals.get(tx) - mined;
                    }
                }
                ingestor.close();
                thread.join();
                reading.set(false);
                reader.join();
                Arrays.sort(latencies);
                System.out.printf(
                        "tip latency (%s trigger, %d blocks): p50=%.0f ms p90=%.0f ms p99=%.0f ms max=%.0f ms%n",
                        ws ? "WebSocket" : "HTTP polling every 100 ms",
                        samples,
                        ms(latencies, 0.50),
                        ms(latencies, 0.90),
                        ms(latencies, 0.99),
                        latencies[samples - 1] / 1e6);
            }
        }
    }

    private static void follow(
            EmbeddedKafka kafka,
            String topic,
            Map<String, Long> arrivals,
            java.util.concurrent.atomic.AtomicBoolean reading) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        AvroSerde<TransferEvent> serde = AvroSerde.of(TransferEvent.class);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(10))) {
                    if (r.value() != null) { // a progress tick has none
                        arrivals.putIfAbsent(serde.decode(r.value()).getTxHash(), System.nanoTime());
                    }
                }
            }
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private IngestBench() {}
}
