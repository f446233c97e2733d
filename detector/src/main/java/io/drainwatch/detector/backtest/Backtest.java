package io.drainwatch.detector.backtest;

import io.drainwatch.detector.chain.Ingest;
import io.drainwatch.detector.chain.IngestConfig;
import io.drainwatch.detector.chain.IngestMetrics;
import io.drainwatch.detector.chain.Ingestor;
import io.drainwatch.detector.chain.JsonRpcClient;
import io.drainwatch.detector.chain.ReorgWindow;
import io.drainwatch.detector.chain.RpcException;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.detector.topic.TopicScan;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backtest run: the real ingestor reads the block range from the node (through {@link NodeAtBlock},
 * which ends the chain at the range's last block) into an embedded broker loaded with the operator's
 * reference files, the real detector processes it, and once the ingestor has written the last block and
 * the detector's committed offsets cover everything it reads, every alert and incident is collected into
 * a {@link BacktestReport}, written as {@code report.html} and {@code report.json}.
 */
public final class Backtest {
    private static final Logger LOG = LoggerFactory.getLogger(Backtest.class);
    /** The detector of a backtest has its own group and state, apart from any production detector. */
    static final String APPLICATION_ID = "drainwatch-backtest";

    static final String PROGRESS_TOPIC = "drainwatch.ingest-progress";
    private static final int PARTITIONS = 2;

    private final BacktestConfig config;
    private final PrintWriter err;
    private final boolean terminal;

    public Backtest(BacktestConfig config, PrintWriter err, boolean terminal) {
        this.config = config;
        this.err = err;
        this.terminal = terminal;
    }

    /** Whether progress can be drawn in place: stderr is a terminal. */
    public static boolean stderrIsTerminal() {
        return ProgressMeter.stderrIsTerminal();
    }

    /** What a run produced: the report and where its files are. */
    public record Outcome(BacktestReport report, Path html, Path json) {}

    /**
     * Runs the backtest. Configuration problems (files, range, settings) throw {@link ConfigException}
     * before anything starts; a failure of the run throws {@link BacktestException} with the reason.
     */
    public Outcome run() throws InterruptedException {
        Instant started = Instant.now();
        long began = System.nanoTime();
        DetectorConfig.from(detectorSettings(Path.of("state")), "127.0.0.1:9092"); // validates every key now
        Topics topics = Topics.from(detectorSettings(Path.of("state")));
        ReferenceFiles references = ReferenceFiles.read(
                config.wallets(), config.allowlist(), config.labels(), config.prices(), topics, started);
        List<Victim> truth = config.truth() == null ? null : ReferenceFiles.truth(config.truth());
        prepareOut();
        Path root = dataRoot();
        boolean temporary = config.dataDir() == null;
        String node = config.rpcUrls().get(0).redacted();
        try {
            JsonRpcClient rpc = new JsonRpcClient(
                    config.rpcUrls(), JsonRpcClient.Settings.defaults(), IngestMetrics.discarding(config.chainId()));
            BlockRange range;
            try {
                checkChain(rpc);
                range = BlockRange.resolve(rpc, config.fromBlock(), config.toBlock(), config.last());
            } catch (RpcException e) {
                throw new BacktestException("the node " + node + " cannot be read: " + e.getMessage(), e);
            }
            LOG.info(
                    "event=backtest_start chain={} node={} from_block={} to_block={} wallets={} data_dir={}",
                    config.chainId(),
                    config.rpcUrls().stream().map(RpcUrl::redacted).toList(),
                    range.from(),
                    range.to(),
                    references.wallets(),
                    root);
            err.printf(
                    "backtest: chain %d, blocks %d..%d (%,d blocks) from %s, %,d watched wallets%n",
                    config.chainId(), range.from(), range.to(), range.blocks(), node, references.wallets());
            err.flush();
            Collected collected = replay(range, references, root);
            double seconds = (System.nanoTime() - began) / 1e9;
            BacktestReport report = BacktestReport.of(
                    BacktestReport.Run.of(
                            config.chainId(),
                            range.from(),
                            range.to(),
                            references.custodyGroups(),
                            node,
                            started.truncatedTo(ChronoUnit.SECONDS).toString(),
                            Math.round(seconds * 10) / 10.0),
                    collected.alerts(),
                    collected.incidents(),
                    BlockClock.of(collected.heads(), range.to()),
                    truth);
            Path html = config.out().resolve("report.html");
            Path json = config.out().resolve("report.json");
            try {
                Files.writeString(html, ReportHtml.render(report), StandardCharsets.UTF_8);
                Files.writeString(json, ReportJson.render(report), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BacktestException("cannot write the report to " + config.out() + ": " + e.getMessage(), e);
            }
            LOG.info(
                    "event=backtest_done chain={} blocks={} alerts={} incidents={} paged={} seconds={}",
                    config.chainId(),
                    range.blocks(),
                    report.alerts().total(),
                    report.incidents().size(),
                    report.pagedWallets().size(),
                    report.run().seconds());
            return new Outcome(report, html, json);
        } finally {
            if (temporary) {
                deleteTree(root);
            }
        }
    }

    /** What the detector wrote, read back after the run. */
    private record Collected(List<DrainAlert> alerts, List<DrainIncident> incidents, List<BlockHead> heads) {}

    private Collected replay(BlockRange range, ReferenceFiles references, Path root) throws InterruptedException {
        List<NodeAtBlock> views = new ArrayList<>();
        try (EmbeddedKafka kafka = startKafka(root)) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            DetectorConfig detectorConfig = DetectorConfig.from(detectorSettings(root.resolve("state")), bootstrap);
            Topics topics = detectorConfig.topics();
            try (Admin admin = Admin.create(client)) {
                new TopicSetup(admin, Duration.ofSeconds(60)).createAll(topics, PARTITIONS, (short) 1);
            }
            try {
                references.write(client);
            } catch (ExecutionException e) {
                throw new BacktestException(
                        "cannot load the reference files: "
                                + Objects.requireNonNullElse(e.getCause(), e).getMessage(),
                        e);
            }
            for (RpcUrl url : config.rpcUrls()) {
                views.add(NodeAtBlock.start(
                        url, range.to(), JsonRpcClient.Settings.defaults().timeout()));
            }
            try (Detector detector = Detector.start(detectorConfig, new SimpleMeterRegistry())) {
                if (!detector.awaitRunning(Duration.ofMinutes(2))) {
                    throw new BacktestException(
                            "the detector did not start within 2 minutes: state " + detector.state());
                }
                ingest(range, views, client, topics, detector);
                settle(client, detectorConfig, detector);
            }
            return new Collected(
                    read(client, TopicCatalogue.of(topics).alerts()),
                    read(client, TopicCatalogue.of(topics).incidents()),
                    read(client, TopicCatalogue.of(topics).heads()));
        } finally {
            views.forEach(NodeAtBlock::close);
        }
    }

    /** Runs the ingestor until it has written the range's last block, showing progress. */
    private void ingest(
            BlockRange range, List<NodeAtBlock> views, Map<String, Object> client, Topics topics, Detector detector)
            throws InterruptedException {
        IngestConfig ingestConfig = new IngestConfig(
                config.chainId(),
                views.stream().map(NodeAtBlock::url).toList(),
                null,
                range.from(),
                config.trace(),
                128,
                config.batchBlocks(),
                config.finalityDepth(),
                Duration.ofMillis(200),
                JsonRpcClient.Settings.defaults(),
                client,
                topics,
                PROGRESS_TOPIC);
        Ingestor ingestor =
                Ingest.ingestor(ingestConfig, new IngestMetrics(new SimpleMeterRegistry(), config.chainId()));
        Thread thread = new Thread(ingestor, "backtest-ingest");
        ProgressMeter progress =
                new ProgressMeter(err, terminal, range.blocks(), Duration.ofSeconds(10), System::nanoTime);
        thread.start();
        long done = 0;
        try {
            long lastMove = System.nanoTime();
            while (true) {
                long written = ingestor.head().map(ReorgWindow.Entry::number).orElse(range.from() - 1);
                long now = written - range.from() + 1;
                if (now != done) {
                    done = now;
                    lastMove = System.nanoTime();
                }
                progress.update(done);
                if (written >= range.to()) {
                    break;
                }
                if (!thread.isAlive()) {
                    throw new BacktestException("the ingestor stopped at block " + written + " (see its log above)");
                }
                if (failed(detector)) {
                    throw new BacktestException("the detector failed: state " + detector.state());
                }
                if (System.nanoTime() - lastMove > config.stallTimeout().toNanos()) {
                    throw new BacktestException("the ingestor wrote no block for " + config.stallTimeout()
                            + " (last written: " + (done == 0 ? "none" : Long.toString(written))
                            + "); is the node " + views.size() + " URL(s) answering? See the log above");
                }
                TimeUnit.MILLISECONDS.sleep(terminal ? 250 : 500);
            }
            progress.finish(done);
        } finally {
            ingestor.close();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Waits until the detector's committed offsets cover every record it reads. */
    private void settle(Map<String, Object> client, DetectorConfig detectorConfig, Detector detector)
            throws InterruptedException {
        err.println("backtest: waiting for the detector to process every block ...");
        err.flush();
        long deadline = System.nanoTime() + config.settleTimeout().toNanos();
        try (CatchUp catchUp = new CatchUp(
                client,
                detectorConfig.applicationId(),
                List.of(
                        detectorConfig.topics().transfers(),
                        detectorConfig.topics().balances()))) {
            while (!catchUp.caughtUp()) {
                if (failed(detector)) {
                    throw new BacktestException("the detector failed: state " + detector.state());
                }
                if (System.nanoTime() > deadline) {
                    throw new BacktestException(
                            "the detector had not caught up after " + config.settleTimeout() + " (--settle-timeout)");
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private static boolean failed(Detector detector) {
        KafkaStreams.State state = detector.state();
        return state == KafkaStreams.State.ERROR
                || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING;
    }

    /**
     * The detector's settings: defaults, {@code --config}, the backtest's own application id and state
     * folder, then {@code --set}. {@code DRAINWATCH_*} variables are not read: a backtest's settings are
     * what its command line says, so two runs can be compared.
     */
    Map<String, String> detectorSettings(Path stateDir) {
        Map<String, String> own = new HashMap<>();
        own.put("application.id", APPLICATION_ID);
        own.put("kafka.state.dir", stateDir.toString());
        Map<String, String> layered = new HashMap<>(ConfigLayers.defaults());
        Map<String, String> given = config.detectorSettings();
        return ConfigLayers.merge(layered, own, given);
    }

    private void checkChain(JsonRpcClient rpc) {
        String reported = rpc.call("eth_chainId").asText();
        long id = Long.parseUnsignedLong(reported.substring(2), 16);
        if (id != config.chainId()) {
            throw new ConfigException("--chain-id", "is " + config.chainId() + " but the node reports " + id);
        }
    }

    private void prepareOut() {
        try {
            Files.createDirectories(config.out());
            if (!Files.isWritable(config.out())) {
                throw new ConfigException("--out", config.out() + " is not writable");
            }
        } catch (IOException e) {
            throw new ConfigException("--out", "cannot create " + config.out() + ": " + e.getMessage());
        }
    }

    private Path dataRoot() {
        Path dir = config.dataDir();
        try {
            if (dir == null) {
                return Files.createTempDirectory("drainwatch-backtest-");
            }
            if (Files.exists(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new ConfigException(
                                "--data-dir",
                                dir + " is not empty: give a new folder (a previous run's broker would mix in)");
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("--data-dir", "cannot create " + dir + ": " + e.getMessage());
        }
    }

    private static EmbeddedKafka startKafka(Path root) {
        return EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withDataDir(root.resolve("kafka")));
    }

    /** Every committed record of {@code topic}, in partition order, up to the end offsets taken at the start. */
    static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Map<String, Object> client, Topic<T> from) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "drainwatch-backtest-report");
        List<Map.Entry<ConsumerRecord<String, byte[]>, T>> records = new ArrayList<>();
        try {
            TopicScan.read(props, from, 0, Duration.ofMinutes(2), (r, value) -> records.add(Map.entry(r, value)));
        } catch (IllegalStateException e) {
            throw new BacktestException(String.valueOf(e.getMessage()), e);
        }
        // the versions of one alert or incident share a key, so a partition holds them in the order written
        return records.stream()
                .sorted(Comparator.<Map.Entry<ConsumerRecord<String, byte[]>, T>>comparingInt(
                                e -> e.getKey().partition())
                        .thenComparingLong(e -> e.getKey().offset()))
                .map(Map.Entry::getValue)
                .collect(Collectors.toList());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the backtest's temporary folder " + dir, e);
        }
    }
}
