package io.drainwatch.detector.bench;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import io.drainwatch.schemas.WatchedWallet;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long a detector is blind after a crash. Runs {@code drainwatch detect} in a JVM of its own with a
 * state folder, over an embedded broker holding N watched wallets; then, round after round, kills it with
 * SIGKILL, writes a drain of a watched wallet at that moment, starts it again on the same state, and
 * times from the kill to the detector's {@code /ready} and to the alert on that drain. Not a test:
 *
 * <pre>
 *   bin/bench-restart                       1,000,000 wallets, 3 rounds
 *   bin/bench-restart --wallets 100000 --rounds 5
 *   bin/bench-restart --set kafka.group.instance.id=detect-0     static membership, as in the StatefulSet
 *   bin/bench-restart --wallets 10000000 --detector-heap 1536m   the detector's heap (default 1g)
 *   bin/bench-restart --java-opts "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/tmp/dw.jsa"
 * </pre>
 *
 * <p>The detector runs from the packaged jar, as {@code bin/drainwatch} runs it. Before the rounds it is
 * stopped once with SIGTERM and started again (timed as well): with a class-data archive given in
 * {@code --java-opts}, that stop is what writes the archive, as a first rolling restart would.
 *
 * It also prints the detector process's resident memory (its own, not the benchmark's) once it has
 * alerted after its first start, and at the end.
 */
public final class RestartBenchmark {
    private static final long CHAIN_ID = 1;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final int wallets;
    private final int rounds;
    private final String detectorHeap;
    /** Options for the detector's JVM, given with {@code --java-opts}. */
    private final List<String> javaOptions;
    /** The packaged detector, {@code --jar}. */
    private final Path jar;
    /** Detector settings given with {@code --set key=value}, passed to {@code drainwatch detect}. */
    private final List<String> detectorSettings;

    private final SplittableRandom random = new SplittableRandom(7);
    private final Topics topics = Topics.defaults();
    private final TopicCatalogue catalogue = TopicCatalogue.of(topics);
    private long block = 20_000_000;

    private RestartBenchmark(
            int wallets,
            int rounds,
            String detectorHeap,
            List<String> javaOptions,
            Path jar,
            List<String> detectorSettings) {
        this.wallets = wallets;
        this.rounds = rounds;
        this.detectorHeap = detectorHeap;
        this.javaOptions = javaOptions;
        this.jar = jar;
        this.detectorSettings = detectorSettings;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> settings = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--set")) {
                settings.add(args[i + 1]);
            } else {
                options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
        }
        new RestartBenchmark(
                        Integer.parseInt(options.getOrDefault("wallets", "1000000")),
                        Integer.parseInt(options.getOrDefault("rounds", "3")),
                        options.getOrDefault("detector-heap", "1g"),
                        List.of(options.getOrDefault("java-opts", "").trim().split("\\s+")).stream()
                                .filter(o -> !o.isEmpty())
                                .toList(),
                        Path.of(options.getOrDefault("jar", "detector/target/drainwatch.jar")),
                        List.copyOf(settings))
                .run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory("drainwatch-restart-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            String[] watched = Bench.addresses(random, wallets);
            try (Admin admin = Admin.create(client);
                    KafkaProducer<String, byte[]> producer = producer(client);
                    KafkaConsumer<byte[], byte[]> alerts = alertReader(client)) {
                new TopicSetup(admin, Duration.ofSeconds(60)).createAll(topics, 4, (short) 1);
                long began = System.nanoTime();
                writeReference(producer, watched);
                Bench.log("wrote %,d watched wallets in %.1fs", wallets, Bench.seconds(began));

                int port = ExternalProcess.freePort();
                List<String> command = command(kafka.bootstrapServers(), port, work.resolve("state"));
                Path log = work.resolve("detect.log");
                began = System.nanoTime();
                Process detector = start(command, log);
                awaitReady(detector, port, log);
                Bench.log("first start: ready after %.1fs", Bench.seconds(began));
                follow(alerts);
                began = System.nanoTime();
                drain(producer, watched[0]);
                awaitAlert(alerts, watched[0]);
                Bench.log("first start: alert %.2fs after its drain was written", Bench.seconds(began));
                String firstMemory = memory(detector);
                Bench.log("first start: detector process %s", firstMemory);

                List<String> rows = new ArrayList<>();
                String wallet0 = watched[watched.length / 2];
                long stopped = System.nanoTime();
                detector.destroy();
                detector.waitFor(5, TimeUnit.MINUTES);
                double stopSeconds = Bench.seconds(stopped);
                Restart graceful = restart(command, log, port, producer, alerts, wallet0, System.nanoTime());
                detector = graceful.detector();
                rows.add(String.format(Locale.ROOT, "SIGTERM (stopped in %.1fs): ", stopSeconds)
                        + graceful.times()
                        + "   from the start");
                Bench.log("after SIGTERM: stopped in %.1fs; %s from the start", stopSeconds, graceful.times());
                for (int round = 1; round <= rounds; round++) {
                    String wallet = watched[round * 7919 % watched.length];
                    long killed = System.nanoTime();
                    detector.destroyForcibly();
                    detector.waitFor(30, TimeUnit.SECONDS);
                    Restart killedRound = restart(command, log, port, producer, alerts, wallet, killed);
                    detector = killedRound.detector();
                    rows.add("round " + round + "   " + killedRound.times());
                    Bench.log("round %d: %s after the kill", round, killedRound.times());
                }
                String lastMemory = memory(detector);
                detector.destroy();
                detector.waitFor(30, TimeUnit.SECONDS);
                System.out.printf(
                        Locale.ROOT,
                        "%n%,d watched wallets, 4 partitions; detector in its own JVM (-Xmx%s%s)%s; times from SIGKILL, "
                                + "the drain written at the kill%n",
                        wallets,
                        detectorHeap,
                        javaOptions.isEmpty() ? "" : " " + String.join(" ", javaOptions),
                        detectorSettings.isEmpty() ? "" : ", settings " + detectorSettings);
                rows.forEach(System.out::println);
                System.out.printf(
                        Locale.ROOT,
                        "detector process after its first start: %s; after the last round: %s%n",
                        firstMemory,
                        lastMemory);
            }
        }
    }

    /** A restarted detector, and seconds from a moment to its {@code /ready} and to its alert on a drain. */
    private record Restart(Process detector, double ready, double alerted) {
        String times() {
            return String.format(Locale.ROOT, "ready %6.1fs   alert on the drain %6.1fs", ready, alerted);
        }
    }

    /** Writes a drain of {@code wallet}, starts the detector and times both from {@code since}. */
    private Restart restart(
            List<String> command,
            Path log,
            int port,
            KafkaProducer<String, byte[]> producer,
            KafkaConsumer<byte[], byte[]> alerts,
            String wallet,
            long since)
            throws Exception {
        drain(producer, wallet);
        Process detector = start(command, log);
        awaitReady(detector, port, log);
        double ready = Bench.seconds(since);
        awaitAlert(alerts, wallet);
        return new Restart(detector, ready, Bench.seconds(since));
    }

    private List<String> command(String bootstrap, int port, Path stateDir) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + detectorHeap));
        command.addAll(javaOptions);
        command.addAll(List.of(
                "-jar",
                jar.toAbsolutePath().toString(),
                "detect",
                "--bootstrap-servers",
                bootstrap,
                "--metrics-host",
                "127.0.0.1",
                "--metrics-port",
                Integer.toString(port),
                "--set",
                "application.id=drainwatch-restart-bench",
                "--set",
                "kafka.state.dir=" + stateDir));
        detectorSettings.forEach(setting -> {
            command.add("--set");
            command.add(setting);
        });
        return command;
    }

    /** The process's resident memory and its peak, as the benchmark prints them. */
    private static String memory(Process process) {
        Bench.Resident r = Bench.Resident.of(Long.toString(process.pid()));
        return r.mb() < 0
                ? "resident memory unknown (no /proc)"
                : String.format(Locale.ROOT, "resident %,d MB (peak %,d MB)", r.mb(), r.peakMb());
    }

    private static Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("DRAINWATCH_"));
        return builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static void awaitReady(Process detector, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!detector.isAlive()) {
                throw new IllegalStateException("the detector exited; its log: " + log);
            }
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the detector was not ready within 5 minutes; its log: " + log);
    }

    /** Positions the reader at the alerts topic's end, so only alerts written from now on are seen. */
    private void follow(KafkaConsumer<byte[], byte[]> alerts) {
        List<TopicPartition> partitions = alerts.partitionsFor(topics.alerts()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        alerts.assign(partitions);
        alerts.seekToEnd(partitions);
        partitions.forEach(alerts::position);
    }

    private void awaitAlert(KafkaConsumer<byte[], byte[]> alerts, String wallet) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : alerts.poll(Duration.ofMillis(100))) {
                DrainAlert alert = catalogue.alerts().decode(r.value());
                if (alert.getWallets().contains(wallet)) {
                    return;
                }
            }
        }
        throw new IllegalStateException("no alert on " + wallet + " within 5 minutes");
    }

    private void writeReference(KafkaProducer<String, byte[]> producer, String[] watched) throws Exception {
        producer.send(catalogue
                .prices()
                .record(TokenPrice.newBuilder()
                        .setChainId(CHAIN_ID)
                        .setAsset(Addresses.NATIVE)
                        .setUsdPrice(3000)
                        .setDecimals(18)
                        .setSymbol("ETH")
                        .setUpdatedAt(Instant.now())
                        .build()));
        for (int i = 0; i < watched.length; i++) {
            producer.send(catalogue
                    .wallets()
                    .record(WatchedWallet.newBuilder()
                            .setChainId(CHAIN_ID)
                            .setAddress(watched[i])
                            .setCustodyGroup("group-" + (i % 8))
                            .build()));
        }
        producer.flush();
    }

    /** The whole 2 ETH of {@code wallet} sent to a fresh address: a high balance-drain alert. */
    private void drain(KafkaProducer<String, byte[]> producer, String wallet) throws Exception {
        block++;
        String tx = "0x" + String.format(Locale.ROOT, "%064x", block);
        String blockHash = "0x" + String.format(Locale.ROOT, "%064x", block + (1L << 40));
        BigDecimal amount = new BigDecimal("2000000000000000000");
        TransferEvent drain = TransferEvent.newBuilder()
                .setChainId(CHAIN_ID)
                .setFrom(wallet)
                .setTo(Bench.addresses(random, 1)[0])
                .setKind(TransferKind.NATIVE)
                .setAsset(Addresses.NATIVE)
                .setAmount(amount)
                .setDecimals(18)
                .setEventId(CHAIN_ID + ":" + blockHash + ":" + tx + ":native")
                .setTxHash(tx)
                .setBlockNumber(block)
                .setBlockHash(blockHash)
                .setBlockTime(Instant.now())
                .setTxFrom(wallet)
                .setSenderBalanceBefore(amount)
                .setSenderBalanceAfter(BigDecimal.ZERO)
                .setRecipientFresh(true)
                .build();
        producer.send(catalogue.transfers().record(drain)).get(30, TimeUnit.SECONDS);
    }

    private KafkaProducer<String, byte[]> producer(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> alertReader(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
