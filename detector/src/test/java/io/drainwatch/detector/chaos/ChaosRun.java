package io.drainwatch.detector.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.chain.DevChain;
import io.drainwatch.detector.chain.IngestArgs;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.deploy.DeployPaths;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.opstest.Alertmanager;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.opstest.WebhookReceiver;
import io.drainwatch.detector.testing.KafkaReads;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.detector.topology.RunOutcome;
import io.drainwatch.detector.topology.RunTopics;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.web3j.crypto.Credentials;

/**
 * One run of a {@link ChaosScenario} on real processes: its own topics (named {@code <run>.<topic>}) and
 * application id on the shared cluster, a fresh anvil mining the scenario's blocks, the ingestor following
 * it, detector instances of one application (standby replicas, static membership), and the relay posting
 * to a real Alertmanager. Every role is a JVM of the packaged jar, so a fault can kill it outright.
 */
final class ChaosRun implements AutoCloseable {
    static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String bootstrapServers;
    private final KafkaReads reads;
    private final Path work;
    private final Map<String, String> topicSettings;
    private final Topics topics;
    private final List<ExternalProcess> detectors = new ArrayList<>();
    private @Nullable AnvilNode anvil;
    private @Nullable DevChain chain;
    private @Nullable WebhookReceiver webhook;
    private @Nullable ExternalProcess alertmanager;
    private @Nullable ExternalProcess ingestor;
    private @Nullable ExternalProcess relay;

    ChaosRun(String name, String bootstrapServers, KafkaReads reads, Path work) {
        this.name = name;
        this.bootstrapServers = bootstrapServers;
        this.reads = reads;
        this.work = work;
        this.topicSettings = RunTopics.of(name);
        this.topics = Topics.from(topicSettings);
    }

    /**
     * Creates the run's topics (replication factor 3), writes the scenario's reference data, and starts
     * anvil (no mining: the harness mines each block with its timestamp), Alertmanager, the ingestor,
     * {@code detectorCount} detector instances and the relay; returns once every detector is ready.
     */
    void start(ChaosScenario scenario, long genesisTime, int detectorCount) {
        try (Admin admin = admin()) {
            new TopicSetup(admin, Duration.ofSeconds(60)).createAll(topics, PARTITIONS, (short) 3);
        }
        writeReference(scenario);
        anvil = AnvilNode.start(
                "--no-mining", "--timestamp", Long.toString(genesisTime), "--preserve-historical-states");
        chain = new DevChain(anvil);
        webhook = new WebhookReceiver();
        alertmanager = Alertmanager.start(
                DeployPaths.alertmanagerConfig(), webhook, directory(work.resolve(name + "-alertmanager")));
        // Each start waits for the process to answer: started side by side, on threads of their own.
        try (ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ExternalProcess>> starting = new ArrayList<>();
            for (int i = 0; i < detectorCount; i++) {
                int instance = i;
                starting.add(starter.submit(() -> ExternalProcess.detect(
                        name + "-detect-" + instance, work, bootstrapServers, detectorSettings(instance))));
            }
            Future<ExternalProcess> ingesting = starter.submit(this::startIngestor);
            Future<ExternalProcess> relaying = starter.submit(this::startRelay);
            for (Future<ExternalProcess> detector : starting) {
                detectors.add(started(detector));
            }
            ingestor = started(ingesting);
            relay = started(relaying);
        }
        detectors.forEach(d -> d.awaitAnswer("/ready", Duration.ofSeconds(120)));
    }

    private static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The application id the detector instances share. */
    String applicationId() {
        return "chaos-" + name;
    }

    private Map<String, String> detectorSettings(int instance) {
        Map<String, String> settings = new TreeMap<>(topicSettings);
        settings.put("application.id", applicationId());
        settings.put(
                "kafka.state.dir", work.resolve(name + "-state-" + instance).toString());
        settings.put("kafka.group.instance.id", name + "-detect-" + instance);
        settings.put("kafka.num.standby.replicas", "1");
        settings.put("kafka.num.stream.threads", "1");
        settings.put("kafka.commit.interval.ms", "200");
        // A killed member is noticed after its session timeout: 6 s, the broker's least, not the default 45 s.
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1000");
        return settings;
    }

    private ExternalProcess startIngestor() {
        int port = ExternalProcess.freePort();
        List<String> args = IngestArgs.of(bootstrapServers, name + ".ingest-progress", topics);
        args.addAll(List.of("--rpc-url", anvil().httpUrl().uri().toString()));
        args.addAll(metricsOptions(port));
        return ExternalProcess.drainwatch(
                name + "-ingest", work, ExternalProcess.jar(), port, args.toArray(String[]::new));
    }

    private ExternalProcess startRelay() {
        int port = ExternalProcess.freePort();
        List<String> args = new ArrayList<>(List.of(
                "relay",
                "--alertmanager-url",
                alertmanager().url(),
                "--repost-interval",
                "5s",
                "--max-backoff",
                "2s",
                "--group-id",
                name + "-relay"));
        args.addAll(List.of(
                "--bootstrap-servers",
                bootstrapServers,
                "--topic",
                "alerts=" + topics.alerts(),
                "--topic",
                "incidents=" + topics.incidents()));
        args.addAll(metricsOptions(port));
        return ExternalProcess.drainwatch(
                name + "-relay", work, ExternalProcess.jar(), port, args.toArray(String[]::new));
    }

    private static List<String> metricsOptions(int port) {
        return List.of("--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(port));
    }

    private void writeReference(ChaosScenario scenario) {
        TopicCatalogue catalogue = TopicCatalogue.of(topics);
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all");
        long chainId = AnvilNode.CHAIN_ID;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Credentials wallet : scenario.fleet()) {
                send(
                        producer,
                        catalogue
                                .wallets()
                                .record(WatchedWallet.newBuilder()
                                        .setChainId(chainId)
                                        .setAddress(DevChain.address(wallet))
                                        .setCustodyGroup("retail")
                                        .build()));
            }
            send(
                    producer,
                    catalogue
                            .allowlist()
                            .record(AllowedCounterparty.newBuilder()
                                    .setChainId(chainId)
                                    .setAddress(DevChain.address(ChaosScenario.hot()))
                                    .setCustodyGroup(Keys.EVERY_GROUP)
                                    .setKind(CounterpartyKind.OWN_HOT)
                                    .build()));
            send(
                    producer,
                    catalogue
                            .prices()
                            .record(TokenPrice.newBuilder()
                                    .setChainId(chainId)
                                    .setAsset("native")
                                    .setUsdPrice(3000)
                                    .setDecimals(18)
                                    .setUpdatedAt(Instant.now())
                                    .build()));
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + record.topic(), e);
        }
    }

    /** Mines {@code txs} as the next block, at {@code timestamp} (seconds); fails if one was not included. */
    void mine(List<ChaosScenario.Tx> txs, long timestamp) {
        for (ChaosScenario.Tx tx : txs) {
            chain().send(tx.from(), tx.to(), tx.value(), "", 21_000);
        }
        anvil().call("evm_mine", timestamp);
        JsonNode block = anvil().call("eth_getBlockByNumber", "latest", false);
        int included = block.get("transactions").size();
        if (included != txs.size()) {
            throw new IllegalStateException("block " + block.get("number").asText() + " holds " + included + " of "
                    + txs.size() + " transactions");
        }
    }

    /**
     * Waits until the ingestor has written block {@code number}, the detectors have processed everything
     * (committed offsets at the end of every input) and no transaction of theirs is open.
     */
    void awaitSettled(long number) {
        Awaitility.await(name + ": the ingestor wrote block " + number)
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> reads.readCommitted(topics.heads()).stream()
                        .map(r -> AvroSerde.of(BlockHead.class).decode(r.value()))
                        .anyMatch(h -> h.getNumber() >= number));
        reads.awaitCaughtUp(applicationId(), Duration.ofMinutes(5));
        reads.awaitNoOpenTransaction(applicationId(), Duration.ofMinutes(2));
    }

    /** What the detectors wrote, read committed. */
    RunOutcome outcome() {
        return RunOutcome.read(reads, topics);
    }

    /**
     * The pages the relay must have posted for what the run wrote: every incident, and every alert that
     * reached the relay's least paged severity (critical), as {@code incident/<id>} and {@code alert/<id>}.
     */
    Set<String> expectedPages() {
        Set<String> pages = new TreeSet<>();
        reads.readCommitted(topics.alerts()).stream()
                .map(r -> AvroSerde.of(DrainAlert.class).decode(r.value()))
                .filter(a -> a.getSeverity() == Severity.CRITICAL)
                .forEach(a -> pages.add("alert/" + a.getAlertId()));
        outcome().incidentWallets().keySet().forEach(id -> pages.add("incident/" + id));
        return pages;
    }

    /**
     * The pages Alertmanager holds now ({@code incident/<id>}, {@code alert/<id>}), inhibited or not;
     * empty while it does not answer.
     */
    Set<String> deliveredPages() {
        Set<String> pages = new TreeSet<>();
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(alertmanager().url() + "/api/v2/alerts"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return pages;
            }
            for (JsonNode alert : JSON.readTree(response.body())) {
                JsonNode labels = alert.get("labels");
                if (labels.has("incident_id")
                        && labels.path("alertname").asText().equals("DrainwatchIncident")) {
                    pages.add("incident/" + labels.get("incident_id").asText());
                } else if (labels.has("alert_id")) {
                    pages.add("alert/" + labels.get("alert_id").asText());
                }
            }
        } catch (IOException e) {
            return pages;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pages;
    }

    /** Waits up to {@code within} until Alertmanager holds every page of {@code expected}; returns what it holds. */
    Set<String> awaitPages(Set<String> expected, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Set<String> delivered = deliveredPages();
        while (!delivered.containsAll(expected) && System.nanoTime() < deadline) {
            sleep(Duration.ofSeconds(1));
            delivered = deliveredPages();
        }
        return delivered;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    String name() {
        return name;
    }

    Topics topics() {
        return topics;
    }

    AnvilNode anvil() {
        return started(anvil);
    }

    DevChain chain() {
        return started(chain);
    }

    List<ExternalProcess> detectors() {
        return detectors;
    }

    ExternalProcess ingestor() {
        return started(ingestor);
    }

    ExternalProcess relay() {
        return started(relay);
    }

    ExternalProcess alertmanager() {
        return started(alertmanager);
    }

    private static <T> T started(Future<T> starting) {
        try {
            return starting.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a process of the run did not start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the run", e);
        }
    }

    private static <T> T started(@Nullable T part) {
        if (part == null) {
            throw new IllegalStateException("the run has not started");
        }
        return part;
    }

    /** Stops every process the run started (gracefully, then outright) and anvil. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(relay);
        all.add(ingestor);
        all.addAll(detectors);
        all.add(alertmanager);
        all.add(webhook);
        all.add(anvil);
        List<Exception> failures = new ArrayList<>();
        try (ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> closing = new ArrayList<>();
            for (AutoCloseable c : all) {
                if (c != null) {
                    closing.add(closer.submit(() -> {
                        c.close();
                        return null;
                    }));
                }
            }
            for (Future<?> f : closing) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failures.add(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("cannot stop every process of run " + name);
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
