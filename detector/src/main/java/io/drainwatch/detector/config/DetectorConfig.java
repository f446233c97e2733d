package io.drainwatch.detector.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the detector needs, validated once at start. Built from layered settings
 * ({@link ConfigLayers}); Kafka Streams properties come from {@code kafka.*} keys plus the bootstrap
 * servers, except the keys drainwatch owns, which may not be set.
 */
public final class DetectorConfig {
    /** Streams keys whose values the detector's correctness depends on. */
    static final Set<String> OWNED_KAFKA_KEYS = Set.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
            StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG);

    private final Settings settings;
    private final Topics topics;
    private final String applicationId;
    private final Map<String, Object> kafka;
    private final RuleSettings defaults;
    private final Duration alertResolveAfter;
    private final Duration incidentResolveAfter;
    private final Duration punctuateInterval;
    private final Duration blockOrderMaxWait;
    private final Duration shutdownTimeout;
    private final String metricsHost;
    private final int metricsPort;
    private final Map<String, RuleSettings> byGroup = new ConcurrentHashMap<>();

    private DetectorConfig(Settings settings, String bootstrapServers) {
        Role.DETECT.keys().check(settings.asMap().keySet());
        this.settings = settings;
        this.topics = Topics.from(settings.asMap());
        this.applicationId = settings.string("application.id");
        this.kafka = new HashMap<>();
        settings.under("kafka.").forEach((key, value) -> {
            if (OWNED_KAFKA_KEYS.contains(key)) {
                throw new ConfigException("kafka." + key, "is set by drainwatch and cannot be changed");
            }
            kafka.put(key, value);
        });
        kafka.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // drainwatch's own data folder, never the OS temporary folder that Kafka Streams would pick.
        kafka.putIfAbsent(
                StreamsConfig.STATE_DIR_CONFIG,
                StateDirectory.defaultPath(System.getenv()).toString());
        // One stream thread per processor unless the operator says otherwise (Kafka Streams' default is one).
        kafka.putIfAbsent(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        this.defaults = RuleSettings.defaults(settings);
        this.alertResolveAfter = settings.duration("alerts.resolve-after");
        this.incidentResolveAfter = settings.duration("incidents.resolve-after");
        this.punctuateInterval = settings.duration("detector.punctuate-interval");
        this.blockOrderMaxWait = settings.duration("detector.block-order.max-wait");
        this.shutdownTimeout = settings.duration("detector.shutdown-timeout");
        this.metricsHost = settings.string("metrics.host");
        this.metricsPort = settings.port("metrics.port");
        // Validate every group override now, so a typo stops start-up instead of the first alert.
        SettingKeys.groups(settings.asMap()).forEach(this::rules);
    }

    /** Validates {@code layered} settings (defaults already merged in) into a configuration. */
    public static DetectorConfig from(Map<String, String> layered, String bootstrapServers) {
        return new DetectorConfig(new Settings(layered), bootstrapServers);
    }

    /** The built-in defaults overridden by {@code overrides}. */
    public static DetectorConfig withOverrides(Map<String, String> overrides, String bootstrapServers) {
        return from(ConfigLayers.merge(ConfigLayers.defaults(), overrides), bootstrapServers);
    }

    public Settings settings() {
        return settings;
    }

    public Topics topics() {
        return topics;
    }

    public String applicationId() {
        return applicationId;
    }

    /** Kafka Streams properties given by the operator ({@code kafka.*} keys) and the bootstrap servers. */
    public Map<String, Object> kafka() {
        return Map.copyOf(kafka);
    }

    /** Rule thresholds for {@code custodyGroup}. */
    public RuleSettings rules(String custodyGroup) {
        if (settings.under("group." + custodyGroup + ".").isEmpty()) {
            return defaults;
        }
        return byGroup.computeIfAbsent(custodyGroup, g -> RuleSettings.forGroup(settings, g));
    }

    public Duration alertResolveAfter() {
        return alertResolveAfter;
    }

    public Duration incidentResolveAfter() {
        return incidentResolveAfter;
    }

    public Duration punctuateInterval() {
        return punctuateInterval;
    }

    /**
     * How long (wall clock) the destination stage holds payments for block order when the ingestor's
     * progress ticks stop coming, before judging them anyway.
     */
    public Duration blockOrderMaxWait() {
        return blockOrderMaxWait;
    }

    /** How long a stop may take to commit, flush state and leave cleanly before the process exits anyway. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public String metricsHost() {
        return metricsHost;
    }

    public int metricsPort() {
        return metricsPort;
    }

    /** A block explorer link for a transaction on {@code chainId}, if one is configured. */
    public Optional<String> txLink(long chainId, String txHash) {
        return settings.find("explorer." + chainId + ".tx").map(t -> t.replace("{tx}", txHash));
    }

    /** A block explorer link for an address on {@code chainId}, if one is configured. */
    public Optional<String> addressLink(long chainId, String address) {
        return settings.find("explorer." + chainId + ".address").map(t -> t.replace("{address}", address));
    }
}
