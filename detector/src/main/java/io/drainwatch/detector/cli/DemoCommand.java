package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Settings;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.demo.AlertWatch;
import io.drainwatch.detector.demo.Attack;
import io.drainwatch.detector.demo.DemoReport;
import io.drainwatch.detector.demo.DemoSettings;
import io.drainwatch.detector.demo.Display;
import io.drainwatch.detector.demo.GroundTruth;
import io.drainwatch.detector.demo.IncidentPrinter;
import io.drainwatch.detector.demo.Scenario;
import io.drainwatch.detector.demo.ScenarioFeed;
import io.drainwatch.detector.demo.ScenarioParameters;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.metrics.MetricsServer;
import io.drainwatch.detector.topology.Detector;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code drainwatch demo}: the whole system on one machine with nothing running beforehand. Starts an
 * embedded Kafka broker, creates the topics, starts the detector and {@code /metrics}, plays the
 * built-in attack, prints the incident as it grows and ends with how the detector did.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the built-in attack on an embedded Kafka broker: a custodial fleet in three custody groups (retail, pro,",
            "treasury) with benign consolidations, withdrawals, approvals and a delegation, attacked at once by a mass sweep of",
            "small wallets each to its own fresh address, a sweep to a few shared addresses, an unlimited approval, an EIP-7702",
            "delegation and a slow drip, plus an outflow to a sanctioned address. Prints the incidents as they grow and a",
            "summary per attack shape. Exit code 0 when every victim was alerted with no high or critical false alert."
        })
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--wallets",
            defaultValue = "3000",
            description = "Watched wallets in the fleet (default ${DEFAULT-VALUE}).")
    int wallets = 3000;

    @Option(
            names = "--swept",
            defaultValue = "60",
            description = "Pro wallets the sweep to shared destinations takes (default ${DEFAULT-VALUE}).")
    int swept = 60;

    @Option(
            names = "--destinations",
            defaultValue = "3",
            description = "Shared fresh addresses that sweep goes to (default ${DEFAULT-VALUE}).")
    int destinations = 3;

    @Option(
            names = "--mass-swept",
            defaultValue = "120",
            description =
                    "Small retail wallets the mass sweep takes, each to its own fresh address (default ${DEFAULT-VALUE}).")
    int massSwept = 120;

    @Option(
            names = "--attack",
            split = ",",
            paramLabel = "SHAPE",
            description =
                    "Attack shapes to play, comma-separated: sweep, mass-sweep, approval, delegation, drip, or all"
                            + " (default all).")
    List<String> attacks = List.of("all");

    @Option(
            names = "--block-interval",
            defaultValue = "250ms",
            converter = DurationConverter.class,
            description = "Wall-clock time between blocks: 250ms, 2s or ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration blockInterval = Duration.ofMillis(250);

    @Option(
            names = "--seed",
            defaultValue = "20240622",
            description = "Seed of the scenario; the same seed plays the same attack (default ${DEFAULT-VALUE}).")
    long seed = 20240622L;

    @Mixin
    MetricsOptions metricsOptions = new MetricsOptions();

    @Option(
            names = "--kafka-port",
            defaultValue = "0",
            description = "Client port of the embedded broker, e.g. 9092; 0 picks a free port (default).")
    int kafkaPort;

    @Option(
            names = "--keep-running",
            description =
                    "After the summary keep the broker and the detector running until Ctrl-C, for 'alerts tail' from another terminal.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        ScenarioParameters parameters;
        try {
            parameters = new ScenarioParameters(
                    wallets,
                    ScenarioParameters.defaults().groups(),
                    swept,
                    destinations,
                    massSwept,
                    shapes(attacks),
                    blockInterval,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("demo", String.valueOf(e.getMessage()));
        }

        PrintWriter out = spec.commandLine().getOut();
        Instant began = Instant.now();
        Scenario scenario = Scenario.generate(parameters);
        GroundTruth truth = scenario.truth();
        Topics topics = Topics.defaults();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    main.interrupt();
                    try {
                        closed.await(15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "drainwatch-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path stateDir = Files.createTempDirectory("drainwatch-demo-state-");
        AtomicReference<Detector> detector = new AtomicReference<>();
        try (MetricsServer metrics = startMetrics();
                EmbeddedKafka kafka = startKafka()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(client)) {
                new TopicSetup(admin, Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);
            }
            out.printf(
                    "kafka    %s (embedded KRaft broker)%nmetrics  %s%n",
                    bootstrap, metrics.serving() ? "http://127.0.0.1:" + metrics.port() + "/metrics" : "off");
            out.printf(
                    "scenario %,d watched wallets in %s; a block every %s; attacks:%n",
                    parameters.wallets(),
                    String.join(", ", parameters.groups()),
                    Display.duration(parameters.blockInterval()));
            for (Attack attack : truth.attacks()) {
                out.printf(
                        "  %-11s %3d %s of %-8s %s%n",
                        attack.id(),
                        truth.victims(attack).size(),
                        truth.victims(attack).size() == 1 ? "wallet " : "wallets",
                        parameters.group(attack),
                        attack.description());
            }
            out.println();
            out.flush();
            IncidentPrinter printer = new IncidentPrinter(out);
            try (ScenarioFeed feed = new ScenarioFeed(client, topics, Clock.systemUTC());
                    AlertWatch watch = AlertWatch.start(client, topics, printer)) {
                feed.writeReference(scenario);
                detector.set(Detector.start(
                        DetectorConfig.withOverrides(
                                DemoSettings.detectorSettings(stateDir, metrics.port()), bootstrap),
                        metrics.registry()));
                metrics.readiness(() -> detector.get().state().isRunningOrRebalancing());
                if (!detector.get().awaitRunning(Duration.ofSeconds(60))) {
                    out.println("the detector did not start within 60s: state "
                            + detector.get().state());
                    return 1;
                }
                Map<Integer, Instant> blockTimes = new ConcurrentHashMap<>();
                feed.play(scenario, 0, scenario.blocks().size(), (block, time) -> blockTimes.put(block.index(), time));
                Instant lastBlock = blockTimes.getOrDefault(scenario.blocks().size() - 1, Instant.now());
                DemoSettings.settle(watch, truth, lastBlock);
                DemoReport report = DemoReport.of(truth, watch.alerts(), watch.incidents(), blockTimes);
                printer.finish();
                out.println();
                out.println("== summary (" + Display.duration(Duration.between(began, Instant.now())) + ")");
                report.lines().forEach(out::println);
                out.flush();
                if (keepRunning) {
                    out.printf(
                            "%nbroker and detector keep running. From another terminal:%n  bin/drainwatch alerts tail -b %s --from-beginning%nCtrl-C to stop.%n",
                            bootstrap);
                    out.flush();
                    stop.await();
                }
                return report.passed() ? 0 : 1;
            } finally {
                Detector running = detector.get();
                if (running != null) {
                    running.close();
                }
            }
        } catch (InterruptedException e) {
            out.println("stopped");
            return 130;
        } finally {
            deleteTree(stateDir);
            closed.countDown();
            if (!stop.await(0, TimeUnit.MILLISECONDS)) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** The shapes named on the command line; {@code all} is every one. */
    private static Set<Attack> shapes(List<String> names) {
        Set<Attack> shapes = EnumSet.noneOf(Attack.class);
        for (String name : names) {
            if (name.strip().equalsIgnoreCase("all")) {
                shapes.addAll(Attack.defaults());
                continue;
            }
            try {
                shapes.add(Attack.of(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--attack", e.getMessage() + " or all");
            }
        }
        return shapes;
    }

    /** The demo's /metrics: 0.0.0.0:9400 unless the metrics options say otherwise (0 any free port, -1 none). */
    private MetricsServer startMetrics() {
        Settings settings = new Settings(ConfigLayers.merge(
                Map.of("metrics.host", "0.0.0.0", "metrics.port", "9400"),
                metricsOptions.layer().values()));
        int port = settings.port("metrics.port");
        try {
            return MetricsServer.start(settings.string("metrics.host"), port, "detect");
        } catch (UncheckedIOException e) {
            throw new ConfigException(
                    "--metrics-port",
                    "cannot serve /metrics on port " + port + " ("
                            + Objects.requireNonNullElse(e.getCause(), e).getMessage()
                            + "): pick another port, or 0 for any free one");
        }
    }

    private EmbeddedKafka startKafka() {
        try {
            return EmbeddedKafka.start(EmbeddedKafka.Options.defaults().withPort(kafkaPort));
        } catch (RuntimeException e) {
            if (kafkaPort == 0) {
                throw e;
            }
            throw new ConfigException(
                    "--kafka-port",
                    "cannot start the embedded broker on port " + kafkaPort + " (" + e.getMessage()
                            + "): is another broker running there? Pick another port, or leave it out for a free one");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the demo's state directory " + dir, e);
        }
    }
}
