package io.drainwatch.detector.bench;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Formatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Throughput of the detector against Kafka's raw consume rate, measured in the same run on the same
 * embedded broker: a million watched wallets, millions of transfers of which a small fraction touch
 * them; the raw consumer reads the topic twice and the detector runs twice, each from scratch, and
 * the faster of each is compared. Not a test: run it with {@code bin/bench-detect} (options: --events, --wallets,
 * --watched-fraction, --partitions, --stream-threads, --set key=value for a detector setting).
 */
public final class DetectorBenchmark {
    private static final long CHAIN_ID = 1;
    /** Distinct pre-encoded transfers between unwatched addresses, cycled to make up the stream. */
    private static final int NOISE_POOL = 1 << 16;
    /** Transfers of one block; a progress tick follows each block. */
    private static final long EVENTS_PER_BLOCK = 200;

    private final long events;
    /** Progress ticks written with the transfers. */
    private long ticks;

    private final int wallets;
    private final double watchedFraction;
    private final int partitions;
    private final int streamThreads;
    /** Detector runs, each from scratch; the fastest is the figure. */
    private final int runs;
    /** Detector settings given with {@code --set key=value}, applied over the benchmark's own. */
    private final Map<String, String> detectorSettings;

    private final SplittableRandom random = new SplittableRandom(42);
    private final AvroSerde<TransferEvent> transferSerde = AvroSerde.of(TransferEvent.class);
    /** Memory before the first detector starts, and in the last run before its detector closes. */
    private @Nullable Memory memoryWithoutDetector;

    private @Nullable Memory memoryWithDetector;

    private DetectorBenchmark(
            long events,
            int wallets,
            double watchedFraction,
            int partitions,
            int streamThreads,
            int runs,
            Map<String, String> detectorSettings) {
        if (runs < 2) {
            throw new IllegalArgumentException("--runs must be at least 2 (the first runs on a cold JIT): " + runs);
        }
        this.runs = runs;
        this.detectorSettings = Map.copyOf(detectorSettings);
        this.events = events;
        this.wallets = wallets;
        this.watchedFraction = watchedFraction;
        this.partitions = partitions;
        this.streamThreads = streamThreads;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        Map<String, String> detectorSettings = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--set")) {
                String[] kv = args[i + 1].split("=", 2);
                detectorSettings.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else {
                options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
        }
        DetectorBenchmark bench = new DetectorBenchmark(
                Long.parseLong(options.getOrDefault("events", "5000000")),
                Integer.parseInt(options.getOrDefault("wallets", "1000000")),
                Double.parseDouble(options.getOrDefault("watched-fraction", "0.001")),
                Integer.parseInt(options.getOrDefault("partitions", "4")),
                Integer.parseInt(options.getOrDefault("stream-threads", "0")),
                Integer.parseInt(options.getOrDefault("runs", "2")),
                detectorSettings);
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        Topics topics = Topics.defaults();
        Path stateDir = Files.createTempDirectory("drainwatch-bench-state-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                new TopicSetup(admin, Duration.ofSeconds(60)).createAll(topics, partitions, (short) 1);
                String[] watched = Bench.addresses(random, wallets);
                long began = System.nanoTime();
                writeReference(client, topics, watched);
                Bench.log("wrote %,d watched wallets in %.1fs", wallets, Bench.seconds(began));
                began = System.nanoTime();
                long touching = writeTransfers(client, topics, watched);
                Bench.log(
                        "wrote %,d transfers (%,d touching watched wallets) in %.1fs",
                        events, touching, Bench.seconds(began));

                // Two passes: the first after a broker start runs on a cold JIT and page cache; the faster is the
                // baseline.
                Pass firstPass = rawConsume(client, topics.transfers());
                Pass secondPass = rawConsume(client, topics.transfers());
                Bench.log(
                        "raw consumer: %,d records in %.2fs, then %.2fs",
                        events, firstPass.seconds(), secondPass.seconds());
                Pass raw = firstPass.seconds() < secondPass.seconds() ? firstPass : secondPass;

                // The same for the detector: its first run in this JVM also compiles its own code paths (the JIT
                // took about as much CPU as the detector itself during a first run on 2 cores); a long-running
                // detector is past that, so the fastest of the runs (two unless --runs says more), each from
                // scratch, is the figure. On 2 cores the JIT is still compiling in a second run of 10,000,000
                // transfers; later runs show the detector as it runs for hours.
                memoryWithoutDetector = Memory.now();
                List<Pass> passes = new ArrayList<>();
                for (int run = 1; run <= runs; run++) {
                    passes.add(detect(kafka, admin, topics, stateDir, run));
                }
                Bench.log(
                        "detector: %,d records in %s",
                        events,
                        passes.stream()
                                .map(p -> String.format(Locale.ROOT, "%.2fs", p.seconds()))
                                .collect(Collectors.joining(", then ")));
                printTable(
                        raw,
                        passes.stream()
                                .min(Comparator.comparingDouble(Pass::seconds))
                                .orElseThrow(),
                        passes,
                        touching);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                Bench.log("could not delete %s: %s", stateDir, e);
            }
        }
    }

    /** Runs a new detector (a fresh application id) over the whole topic, timed from RUNNING to its last commit. */
    private Pass detect(EmbeddedKafka kafka, Admin admin, Topics topics, Path stateDir, int run) throws Exception {
        String applicationId = "drainwatch-bench-" + run + "-" + System.currentTimeMillis();
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", applicationId);
        settings.put("kafka.state.dir", stateDir.toString());
        if (streamThreads > 0) {
            settings.put("kafka.num.stream.threads", Integer.toString(streamThreads)); // else the detector's default
        }
        settings.putAll(detectorSettings);
        long start = System.nanoTime();
        try (Detector detector = Detector.start(
                DetectorConfig.withOverrides(settings, kafka.bootstrapServers()), new SimpleMeterRegistry())) {
            if (!detector.awaitRunning(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the detector did not reach RUNNING: " + detector.state());
            }
            double bootstrap = Bench.seconds(start);
            Bench.log("detector run %d running after %.2fs (global tables bootstrapped)", run, bootstrap);
            long running = System.nanoTime();
            Map<String, Long> cpuByKindBefore = cpuByThreadKind(applicationId);
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            awaitConsumed(admin, applicationId, topics.transfers());
            Map<String, Long> cpuByKind = cpuByThreadKind(applicationId);
            cpuByKind.replaceAll((kind, nanos) -> nanos - cpuByKindBefore.getOrDefault(kind, 0L));
            StringBuilder kinds = new StringBuilder();
            cpuByKind.forEach(
                    (kind, nanos) -> kinds.append(String.format(Locale.ROOT, " %s %.2fs", kind, nanos / 1e9)));
            Bench.log("detector run %d cpu by thread:%s", run, kinds);
            memoryWithDetector = Memory.now();
            return new Pass(
                    Bench.seconds(running),
                    cpuByKind.values().stream().mapToLong(Long::longValue).sum() / 1e9,
                    (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore) / 1e3,
                    bootstrap);
        }
    }

    private void writeReference(Map<String, Object> client, Topics topics, String[] watched) throws Exception {
        AvroSerde<WatchedWallet> walletSerde = AvroSerde.of(WatchedWallet.class);
        try (KafkaProducer<byte[], byte[]> producer = producer(client)) {
            TokenPrice eth = TokenPrice.newBuilder()
                    .setChainId(CHAIN_ID)
                    .setAsset(Addresses.NATIVE)
                    .setUsdPrice(3000)
                    .setDecimals(18)
                    .setSymbol("ETH")
                    .setUpdatedAt(Instant.now())
                    .build();
            producer.send(new ProducerRecord<>(
                    topics.prices(),
                    utf8(Keys.address(CHAIN_ID, Addresses.NATIVE)),
                    AvroSerde.of(TokenPrice.class).encode(eth)));
            for (int i = 0; i < watched.length; i++) {
                WatchedWallet wallet = WatchedWallet.newBuilder()
                        .setChainId(CHAIN_ID)
                        .setAddress(watched[i])
                        .setCustodyGroup("group-" + (i % 8))
                        .build();
                producer.send(new ProducerRecord<>(
                        topics.wallets(), utf8(Keys.address(CHAIN_ID, watched[i])), walletSerde.encode(wallet)));
            }
            producer.flush();
        }
    }

    /** Writes the transfer stream; returns how many touch a watched wallet. */
    private long writeTransfers(Map<String, Object> client, Topics topics, String[] watched) throws Exception {
        String[] noise = Bench.addresses(random, NOISE_POOL * 2);
        byte[][] noiseKeys = new byte[NOISE_POOL][];
        byte[][] noiseValues = new byte[NOISE_POOL][];
        Instant time = Instant.now();
        for (int i = 0; i < NOISE_POOL; i++) {
            String from = noise[2 * i];
            noiseKeys[i] = utf8(Keys.address(CHAIN_ID, from));
            noiseValues[i] = transferSerde.encode(transfer(from, noise[2 * i + 1], i, time, null));
        }
        long interval = Math.max(1, Math.round(1 / watchedFraction));
        long touching = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer(client)) {
            for (long n = 0; n < events; n++) {
                if (n > 0 && n % EVENTS_PER_BLOCK == 0) {
                    tick(producer, topics, block(n - 1));
                }
                if (n % interval == interval / 2) {
                    String wallet = watched[(int) (touching * 7919 % watched.length)];
                    String other = noise[(int) (touching % noise.length)];
                    boolean outflow = touching % 2 == 0;
                    TransferEvent t = transfer(
                            outflow ? wallet : other, outflow ? other : wallet, n, time, outflow ? wallet : null);
                    producer.send(new ProducerRecord<>(
                            topics.transfers(), utf8(Keys.address(CHAIN_ID, t.getFrom())), transferSerde.encode(t)));
                    touching++;
                } else {
                    int i = (int) (n % NOISE_POOL);
                    producer.send(new ProducerRecord<>(topics.transfers(), noiseKeys[i], noiseValues[i]));
                }
            }
            tick(producer, topics, block(events - 1));
            producer.flush();
        }
        return touching;
    }

    /**
     * A progress tick in every partition, as the ingestor writes after each step, so the destination
     * stage's block-order gate runs as it does behind an ingestor.
     */
    private void tick(KafkaProducer<byte[], byte[]> producer, Topics topics, long block) {
        for (ProducerRecord<String, byte[]> r :
                new ProgressTick(CHAIN_ID, block, partitions).records(topics.transfers())) {
            producer.send(new ProducerRecord<>(r.topic(), r.partition(), utf8(r.key()), null, r.headers()));
            ticks++;
        }
    }

    private static long block(long n) {
        return 20_000_000 + n / EVENTS_PER_BLOCK;
    }

    /** A small native transfer (0.05 ETH); a watched sender's balances are set as the ingestor would. */
    private TransferEvent transfer(String from, String to, long n, Instant time, String watchedSender) {
        String tx = "0x" + String.format(Locale.ROOT, "%064x", n);
        String blockHash = "0x" + String.format(Locale.ROOT, "%064x", n / EVENTS_PER_BLOCK);
        BigDecimal amount = new BigDecimal("50000000000000000");
        TransferEvent.Builder b = TransferEvent.newBuilder()
                .setChainId(CHAIN_ID)
                .setFrom(from)
                .setTo(to)
                .setKind(TransferKind.NATIVE)
                .setAsset(Addresses.NATIVE)
                .setAmount(amount)
                .setDecimals(18)
                .setEventId(CHAIN_ID + ":" + blockHash + ":" + tx + ":native")
                .setTxHash(tx)
                .setBlockNumber(block(n))
                .setBlockHash(blockHash)
                .setBlockTime(time.plusMillis(n / EVENTS_PER_BLOCK * 12_000))
                .setTxFrom(from);
        if (watchedSender != null) {
            BigDecimal before = new BigDecimal("2000000000000000000");
            b.setSenderBalanceBefore(before)
                    .setSenderBalanceAfter(before.subtract(amount))
                    .setRecipientFresh(false);
        }
        return b.build();
    }

    /**
     * One measured read of the topic: wall-clock seconds, CPU seconds of the threads doing it, seconds
     * the JIT spent compiling meanwhile (any thread's code, summed over compiler threads), and for a
     * detector the seconds it took to reach RUNNING.
     */
    private record Pass(double seconds, double cpuSeconds, double jitSeconds, double bootstrapSeconds) {}

    /**
     * The JVM's memory at one moment: resident set and its peak so far (from /proc/self/status, so Linux
     * only; -1 elsewhere) and the heap in use after a full collection.
     */
    private record Memory(long residentMb, long peakResidentMb, long heapAfterGcMb) {
        static Memory now() {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            Bench.Resident resident = Bench.Resident.of("self");
            return new Memory(resident.mb(), resident.peakMb(), heap);
        }
    }

    /**
     * CPU time of the threads whose name contains {@code marker} (the detector's), by kind: stream threads,
     * their producers, state updaters, or else the last word of the name (the global thread, admin).
     */
    private static Map<String, Long> cpuByThreadKind(String marker) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byKind = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(marker)) {
                String name = info.getThreadName();
                String kind = name.substring(name.lastIndexOf('-') + 1);
                if (name.endsWith("-producer")) {
                    kind = "producer";
                } else if (name.contains("StreamThread-")) {
                    kind = "StreamThread";
                } else if (name.contains("StateUpdater-")) {
                    kind = "StateUpdater";
                }
                byKind.merge(kind, Math.max(0, threads.getThreadCpuTime(info.getThreadId())), Long::sum);
            }
        }
        return byKind;
    }

    private Pass rawConsume(Map<String, Object> client, String topic) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long start = System.nanoTime();
            long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long count = 0;
            long bytes = 0;
            while (count < events + ticks) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    if (r.value() != null) { // a progress tick has none
                        bytes += r.value().length; // touch every value, as any real consumer would
                    }
                }
                count += records.count();
            }
            double elapsed = Bench.seconds(start);
            double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9;
            Bench.log("raw consumer read %,d bytes of values", bytes);
            return new Pass(
                    elapsed,
                    cpu,
                    (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) / 1e3,
                    0);
        }
    }

    /** Waits until the detector's consumer group has committed the end offset of every partition of {@code topic}. */
    private void awaitConsumed(Admin admin, String groupId, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        long lastLog = System.nanoTime();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long done = 0;
            boolean all = true;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long offset = c == null ? 0 : c.offset();
                done += Math.min(offset, e.getValue());
                all &= offset >= e.getValue();
            }
            if (all) {
                return;
            }
            if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(5)) {
                Bench.log("detector committed %,d of %,d", done, events);
                lastLog = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Prints the figures in one piece, so that no log line of a closing client lands inside the table. */
    private void printTable(Pass raw, Pass detect, List<Pass> runs, long touching) {
        StringBuilder table = new StringBuilder("\n");
        Formatter out = new Formatter(table, Locale.ROOT);
        out.format(
                "transfers %,d (%,d touching %,d watched wallets), %d partitions, %d stream thread(s), %d cores, max heap %,d MB%n",
                events,
                touching,
                wallets,
                partitions,
                streamThreads > 0 ? streamThreads : Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (!detectorSettings.isEmpty()) {
            out.format("detector settings %s%n", new TreeMap<>(detectorSettings));
        }
        out.format(
                "%-28s %12s %10s %14s %12s %16s %12s%n",
                "", "records", "seconds", "events/s", "cpu seconds", "events/cpu-s", "jit seconds");
        row(out, "raw KafkaConsumer (byte[])", raw);
        row(out, "detector", detect);
        out.format(
                "detector / raw               %.2f (wall clock), %.2f (per CPU second)%n",
                raw.seconds() / detect.seconds(), raw.cpuSeconds() / detect.cpuSeconds());
        for (int i = 0; i < runs.size(); i++) {
            row(out, "  detector, run " + (i + 1), runs.get(i));
        }
        out.format(
                "global table bootstrap       %s (before the detector's clock starts)%n",
                runs.stream()
                        .map(p -> String.format(Locale.ROOT, "%.2fs", p.bootstrapSeconds()))
                        .collect(Collectors.joining(", ")));
        if (memoryWithoutDetector != null && memoryWithDetector != null) {
            out.format(
                    "heap after full GC           %,d MB with the last detector running, %,d MB before any (broker, generator and detector share one JVM)%n",
                    memoryWithDetector.heapAfterGcMb(), memoryWithoutDetector.heapAfterGcMb());
            out.format(
                    "process resident memory      %,d MB with the last detector running (peak %,d MB), %,d MB before any%n",
                    memoryWithDetector.residentMb(),
                    memoryWithDetector.peakResidentMb(),
                    memoryWithoutDetector.residentMb());
        }
        System.out.print(table);
        System.out.flush();
    }

    private void row(Formatter out, String name, Pass pass) {
        out.format(
                "%-28s %,12d %10.2f %,14.0f %12.2f %,16.0f %12.2f%n",
                name,
                events,
                pass.seconds(),
                events / pass.seconds(),
                pass.cpuSeconds(),
                events / pass.cpuSeconds(),
                pass.jitSeconds());
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
