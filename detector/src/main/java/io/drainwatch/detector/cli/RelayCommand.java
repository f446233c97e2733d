package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Settings;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.AccessCheck;
import io.drainwatch.detector.metrics.KafkaClientBinding;
import io.drainwatch.detector.metrics.MetricsServer;
import io.drainwatch.detector.model.Urls;
import io.drainwatch.detector.relay.AlertmanagerClient;
import io.drainwatch.detector.relay.Relay;
import io.drainwatch.detector.relay.RelayConfig;
import io.drainwatch.detector.relay.RelayMetrics;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch relay}: posts incidents and critical alerts to Alertmanager and keeps them open. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the incidents and alerts topics and posts them to Alertmanager's v2 API: every incident, and",
            "alerts at or above --min-alert-severity. Firing pages are re-posted every --repost-interval; ended",
            "ones are resolved. The consumer position is committed only after an Alertmanager accepted.",
            "Settings: relay-defaults.properties, then --config, DRAINWATCH_* variables, the options, --set."
        })
public final class RelayCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);

    @Mixin
    RoleOptions role = new RoleOptions();

    @Option(
            names = "--alertmanager-url",
            split = ",",
            paramLabel = "URL",
            description = "Alertmanager base URL; repeat (or comma-separate) for every member of a cluster"
                    + " (key alertmanager.urls, DRAINWATCH_ALERTMANAGER_URLS; default http://localhost:9093).")
    List<String> alertmanagers = new ArrayList<>();

    @Option(
            names = "--repost-interval",
            paramLabel = "DURATION",
            description = "Re-post firing pages this often; each is held open for 4 intervals"
                    + " (key relay.repost-interval; default 1m).")
    @Nullable
    String repostInterval;

    @Option(
            names = "--min-alert-severity",
            paramLabel = "SEVERITY",
            description = "Least severe alert posted on its own; incidents are always posted. One of info, low,"
                    + " medium, high, critical (key relay.min-alert-severity; default critical).")
    @Nullable
    String minAlertSeverity;

    @Option(
            names = "--runbook-base-url",
            paramLabel = "URL",
            description = "Where docs/runbooks is published; pages link to <url>/drain-incident.md and drain-alert.md"
                    + " (key runbook.base.url, DRAINWATCH_RUNBOOK_BASE_URL).")
    @Nullable
    String runbookBaseUrl;

    @Option(
            names = "--dashboard-url",
            paramLabel = "URL",
            description = "The fleet dashboard, linked from every page (key dashboard.url, DRAINWATCH_DASHBOARD_URL).")
    @Nullable
    String dashboardUrl;

    @Option(
            names = "--explorer",
            paramLabel = "CHAIN=URL",
            description = "Block explorer by chain id for address and transaction links (keys relay.explorer.<chain>;"
                    + " when none is set, 1=https://etherscan.io and 11155111=https://sepolia.etherscan.io).")
    Map<String, String> explorers = new LinkedHashMap<>();

    @Option(
            names = "--request-timeout",
            paramLabel = "DURATION",
            description = "Time allowed for one post to one Alertmanager (key relay.request-timeout; default 10s).")
    @Nullable
    String requestTimeout;

    @Option(
            names = "--max-backoff",
            paramLabel = "DURATION",
            description = "Longest wait between retries while no Alertmanager accepts (key relay.max-backoff;"
                    + " default 30s).")
    @Nullable
    String maxBackoff;

    @Option(
            names = "--group-id",
            paramLabel = "GROUP",
            description = "Consumer group whose committed position marks what Alertmanager accepted"
                    + " (key relay.group-id; default drainwatch-relay).")
    @Nullable
    String groupId;

    @Override
    public void run() {
        Settings layered = settings(System.getenv());
        RelayConfig config = config(layered);
        Topics topics = Topics.from(layered.asMap());
        Preflight.check(
                new AccessCheck.Needs(Role.RELAY, layered.string("relay.group-id"), null),
                topics,
                role.kafka.clientProperties(),
                role.kafka.bootstrapServers());
        try (MetricsServer server =
                MetricsServer.start(layered.string("metrics.host"), layered.port("metrics.port"), "relay")) {
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                    Relay.consumerProperties(role.kafka.clientProperties(), layered.string("relay.group-id")),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            try (KafkaClientBinding binding = KafkaClientBinding.consumer(server.registry(), consumer)) {
                Relay relay = new Relay(
                        consumer,
                        TopicCatalogue.of(topics).incidents(),
                        TopicCatalogue.of(topics).alerts(),
                        config,
                        new AlertmanagerClient(config.alertmanagers(), config.requestTimeout()),
                        new RelayMetrics(server.registry()),
                        Clock.systemUTC());
                server.readiness(relay::ready);
                CountDownLatch stopped = new CountDownLatch(1);
                Thread hook = new Thread(
                        () -> {
                            relay.close();
                            try {
                                stopped.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "relay-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                LOG.info(
                        "event=relay_started alertmanagers={} repost_interval={} min_alert_severity={} metrics_port={}",
                        config.alertmanagers().stream().map(Urls::redacted).toList(),
                        config.repostInterval(),
                        config.minAlertSeverity(),
                        server.port());
                try {
                    relay.run();
                } finally {
                    stopped.countDown();
                }
            }
        }
    }

    /** The options given, as keys of the relay role. */
    private OptionLayer options() {
        role.kafka.topics(); // validates the roles
        return new OptionLayer()
                .option("--alertmanager-url", "alertmanager.urls", alertmanagers.isEmpty() ? null : alertmanagers)
                .option("--repost-interval", "relay.repost-interval", repostInterval)
                .option("--min-alert-severity", "relay.min-alert-severity", minAlertSeverity)
                .option("--runbook-base-url", "runbook.base.url", runbookBaseUrl)
                .option("--dashboard-url", "dashboard.url", dashboardUrl)
                .entries("--explorer", "relay.explorer.", explorers)
                .option("--request-timeout", "relay.request-timeout", requestTimeout)
                .option("--max-backoff", "relay.max-backoff", maxBackoff)
                .option("--group-id", "relay.group-id", groupId)
                .entries("--topic", "topic.", role.kafka.topicOverrides)
                .with(role.metrics.layer());
    }

    /** The relay's layered settings: defaults, {@code --config}, {@code env}, the options, {@code --set}. */
    Settings settings(Map<String, String> env) {
        return role.settings.settings(Role.RELAY, options(), env);
    }

    /** The validated relay configuration of {@code layered}; its metrics address is checked too. */
    RelayConfig config(Settings layered) {
        try {
            layered.port("metrics.port");
            return RelayConfig.from(layered);
        } catch (ConfigException e) {
            throw options().named(e);
        }
    }
}
