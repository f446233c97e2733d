package io.drainwatch.detector.demo;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            "Run the built-in attack on an embedded Kafka broker: a custodial fleet in two custody groups with benign",
            "consolidations and withdrawals, then a mass sweep to a few fresh addresses and an outflow to a sanctioned address.",
            "Prints the incident as it grows and a summary. Exit code 0 when every swept wallet was caught with no false alert."
        })
public final class DemoCommand implements Callable<Integer> {
    /** How long after the last block the detector gets to finish (grace of the signed-transaction check, punctuation). */
    static final Duration SETTLE = Duration.ofSeconds(4);

    static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--wallets",
            defaultValue = "3000",
            description = "Watched wallets in the fleet (default ${DEFAULT-VALUE}).")
    int wallets = 3000;

    @Option(
            names = "--swept",
            defaultValue = "150",
            description = "Wallets the attacker sweeps (default ${DEFAULT-VALUE}).")
    int swept = 150;

    @Option(
            names = "--destinations",
            defaultValue = "3",
            description = "Fresh addresses the attacker sweeps to (default ${DEFAULT-VALUE}).")
    int destinations = 3;

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

    @Option(
            names = "--metrics-port",
            defaultValue = "9400",
            description = "Port of /metrics, 0 for any free port (default ${DEFAULT-VALUE}).")
    int metricsPort = 9400;

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
                    wallets, List.of("retail", "treasury"), swept, destinations, blockInterval, seed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("demo", e.getMessage());
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
                    "kafka    %s (embedded KRaft broker)%nmetrics  http://127.0.0.1:%d/metrics%n",
                    bootstrap, metrics.port());
            out.printf(
                    "scenario %,d watched wallets in %s; %d will be swept to %d fresh addresses; a block every %s%n%n",
                    parameters.wallets(),
                    String.join(" and ", parameters.groups()),
                    parameters.swept(),
                    parameters.destinations(),
                    Display.duration(parameters.blockInterval()));
            out.flush();
            IncidentPrinter printer = new IncidentPrinter(out);
            try (ScenarioFeed feed = new ScenarioFeed(client, topics, Clock.systemUTC());
                    AlertWatch watch = AlertWatch.start(client, topics, printer)) {
                feed.writeReference(scenario);
                detector.set(Detector.start(
                        DetectorConfig.withOverrides(detectorSettings(stateDir, metrics.port()), bootstrap),
                        metrics.registry()));
                metrics.readiness(() -> detector.get().state().isRunningOrRebalancing());
                if (!detector.get().awaitRunning(Duration.ofSeconds(60))) {
                    out.println("the detector did not start within 60s: state "
                            + detector.get().state());
                    return 1;
                }
                Map<Integer, Instant> blockTimes = new ConcurrentHashMap<>();
                feed.play(scenario, 0, scenario.blocks().size(), (block, time) -> blockTimes.put(block.index(), time));
                Instant lastBlock = blockTimes.get(scenario.blocks().size() - 1);
                settle(watch, truth, lastBlock);
                Optional<Instant> firstSweep = Optional.ofNullable(blockTimes.get(truth.blockOfSweep(1)));
                DemoReport report = DemoReport.of(truth, watch.alerts(), watch.incidents(), firstSweep);
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

    private MetricsServer startMetrics() {
        try {
            return MetricsServer.start("0.0.0.0", metricsPort, "detect");
        } catch (UncheckedIOException e) {
            throw new ConfigException(
                    "--metrics-port",
                    "cannot serve /metrics on port " + metricsPort + " ("
                            + e.getCause().getMessage() + "): pick another port, or 0 for any free one");
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

    /** The detector settings of the demo: its own application id and state, the signer check on, fast resolution. */
    static Map<String, String> detectorSettings(Path stateDir, int metricsPort) {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "drainwatch-demo");
        settings.put("kafka.state.dir", stateDir.toString());
        settings.put("metrics.port", Integer.toString(metricsPort));
        // The demo's custodian publishes every transaction it signs, so an unsigned outflow is theft.
        settings.put("rules.unauthorized-outflow.enabled", "true");
        settings.put("incidents.resolve-after", "15s");
        settings.put("alerts.resolve-after", "15s");
        return settings;
    }

    /** Waits until the detector has had its say on every block: every swept wallet and the sanctioned outflow seen, or a limit. */
    private static void settle(AlertWatch watch, GroundTruth truth, Instant lastBlock) throws InterruptedException {
        Instant earliest = lastBlock.plus(SETTLE);
        Instant limit = lastBlock.plus(SETTLE_LIMIT);
        while (Instant.now().isBefore(limit)) {
            DemoReport report = DemoReport.of(truth, watch.alerts(), watch.incidents(), Optional.empty());
            // The fleet stage comes after the per-wallet one: wait for the incident to count what was alerted.
            int alerted = report.walletsSwept() - report.missed().size();
            boolean incidentCaughtUp = watch.incidents().stream()
                    .filter(i -> i.getCustodyGroup().equals(truth.attackedGroup()))
                    .reduce((a, b) -> b)
                    .map(i -> i.getWalletsDrained() >= alerted)
                    .orElse(true);
            if (Instant.now().isAfter(earliest)
                    && report.missed().isEmpty()
                    && report.sanctionedAlert().isPresent()
                    && incidentCaughtUp) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the demo's state directory " + dir, e);
        }
    }

    /** Parses {@code 250ms}, {@code 2s} or ISO-8601 durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s") && !v.startsWith("p")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                return Duration.parse(value.strip());
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: use 250ms, 2s or ISO-8601 like PT0.5S");
            }
        }
    }
}
