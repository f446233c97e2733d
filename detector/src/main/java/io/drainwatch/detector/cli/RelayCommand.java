package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.metrics.KafkaClientBinding;
import io.drainwatch.detector.metrics.MetricsServer;
import io.drainwatch.detector.model.Urls;
import io.drainwatch.detector.relay.AlertmanagerClient;
import io.drainwatch.detector.relay.Relay;
import io.drainwatch.detector.relay.RelayConfig;
import io.drainwatch.detector.relay.RelayMetrics;
import io.drainwatch.schemas.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch relay}: posts incidents and critical alerts to Alertmanager and keeps them open. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the incidents and alerts topics and posts them to Alertmanager's v2 API: every incident, and",
            "alerts at or above --min-alert-severity. Firing pages are re-posted every --repost-interval; ended",
            "ones are resolved. The consumer position is committed only after an Alertmanager accepted."
        })
public final class RelayCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayCommand.class);

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--alertmanager-url",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_ALERTMANAGER_URLS:-http://localhost:9093}",
            description =
                    "Alertmanager base URL; repeat (or comma-separate) for every member of a cluster (env DRAINWATCH_ALERTMANAGER_URLS; default ${DEFAULT-VALUE}).")
    List<String> alertmanagers = new ArrayList<>();

    @Option(
            names = "--repost-interval",
            defaultValue = "1m",
            converter = DurationConverter.class,
            description =
                    "Re-post firing pages this often; each is held open for 4 intervals (default ${DEFAULT-VALUE}).")
    Duration repostInterval = Duration.ofMinutes(1);

    @Option(
            names = "--min-alert-severity",
            defaultValue = "CRITICAL",
            description =
                    "Least severe alert posted on its own; incidents are always posted. One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Severity minAlertSeverity = Severity.CRITICAL;

    @Option(
            names = "--runbook-base-url",
            defaultValue =
                    "${env:DRAINWATCH_RUNBOOK_BASE_URL:-https://github.com/drainwatch/drainwatch/blob/main/docs/runbooks}",
            description =
                    "Where docs/runbooks is published; pages link to <url>/drain-incident.md and drain-alert.md (default ${DEFAULT-VALUE}).")
    String runbookBaseUrl = "";

    @Option(
            names = "--dashboard-url",
            defaultValue = "${env:DRAINWATCH_DASHBOARD_URL}",
            description = "The fleet dashboard, linked from every page (env DRAINWATCH_DASHBOARD_URL).")
    @Nullable
    String dashboardUrl;

    @Option(
            names = "--explorer",
            paramLabel = "CHAIN=URL",
            description =
                    "Block explorer by chain id for address and transaction links (default 1=https://etherscan.io, 11155111=https://sepolia.etherscan.io).")
    Map<String, String> explorers = new LinkedHashMap<>();

    @Option(
            names = "--request-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Time allowed for one post to one Alertmanager (default ${DEFAULT-VALUE}).")
    Duration requestTimeout = Duration.ofSeconds(10);

    @Option(
            names = "--max-backoff",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Longest wait between retries while no Alertmanager accepts (default ${DEFAULT-VALUE}).")
    Duration maxBackoff = Duration.ofSeconds(30);

    @Option(
            names = "--group-id",
            defaultValue = "drainwatch-relay",
            description =
                    "Consumer group whose committed position marks what Alertmanager accepted (default ${DEFAULT-VALUE}).")
    String groupId = "drainwatch-relay";

    @Option(
            names = "--metrics-host",
            defaultValue = "0.0.0.0",
            description = "Address of /metrics, /health, /ready (default ${DEFAULT-VALUE}).")
    String metricsHost = "0.0.0.0";

    @Option(
            names = "--metrics-port",
            defaultValue = "9402",
            description = "Port of /metrics, /health, /ready (default ${DEFAULT-VALUE}).")
    int metricsPort = 9402;

    @Override
    public void run() {
        RelayConfig config = config();
        Topics topics = kafka.topics();
        try (MetricsServer server = MetricsServer.start(metricsHost, metricsPort, "relay")) {
            KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
            try (KafkaClientBinding binding = KafkaClientBinding.consumer(server.registry(), consumer)) {
                Relay relay = new Relay(
                        consumer,
                        topics.incidents(),
                        topics.alerts(),
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

    /** The validated relay configuration of these options. */
    RelayConfig config() {
        List<URI> urls = new ArrayList<>();
        for (String url : alertmanagers) {
            if (url.isBlank()) {
                continue;
            }
            try {
                urls.add(new URI(url.strip()));
            } catch (URISyntaxException e) {
                // The parser's message repeats the URL, token included.
                throw new ConfigException("--alertmanager-url", "not a URL: " + Urls.redact(url));
            }
        }
        Map<Long, String> explorerUrls = new LinkedHashMap<>();
        if (explorers.isEmpty()) {
            explorerUrls.put(1L, "https://etherscan.io");
            explorerUrls.put(11155111L, "https://sepolia.etherscan.io");
        }
        explorers.forEach((chain, url) -> {
            try {
                explorerUrls.put(Long.parseLong(chain.strip()), url.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        "--explorer " + chain,
                        "chain must be a numeric chain id, e.g. --explorer 1=https://etherscan.io");
            }
        });
        String dashboard = dashboardUrl == null || dashboardUrl.isBlank() ? null : dashboardUrl.strip();
        return new RelayConfig(
                urls,
                repostInterval,
                minAlertSeverity,
                runbookBaseUrl.strip(),
                dashboard,
                explorerUrls,
                requestTimeout,
                maxBackoff);
    }

    private Map<String, Object> consumerProperties() {
        return Relay.consumerProperties(kafka.clientProperties(), groupId);
    }

    /** Reads {@code 30s}, {@code 1m}, {@code 500ms}, {@code 2h} or ISO-8601 ({@code PT1M}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(v.toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long amount = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new NumberFormatException();
                };
            } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; use e.g. 500ms, 30s, 1m, 2h or PT1M");
            }
        }
    }
}
