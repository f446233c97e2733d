package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How every role reaches Kafka: bootstrap servers, an optional client properties file (security,
 * timeouts) and topic name overrides. Shared as a picocli mixin.
 */
public final class KafkaOptions {
    @Option(
            names = {"-b", "--bootstrap-servers"},
            defaultValue = "${env:DRAINWATCH_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env DRAINWATCH_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers = "localhost:9092";

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties file (security.protocol, sasl.*, ssl.*, timeouts).")
    @Nullable
    Path kafkaConfig;

    @Option(
            names = "--topic",
            paramLabel = "ROLE=NAME",
            description =
                    "Override a topic name, e.g. --topic transfers=eth.transfers. Roles: ${COMPLETION-CANDIDATES}.",
            completionCandidates = TopicRoles.class)
    Map<String, String> topicOverrides = new LinkedHashMap<>();

    /** Client properties: the file's, then the bootstrap servers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        if (kafkaConfig != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(kafkaConfig)) {
                file.load(reader);
            } catch (IOException e) {
                throw new ConfigException("--kafka-config", "cannot read " + kafkaConfig + ": " + e.getMessage());
            }
            file.forEach((k, v) -> props.put(String.valueOf(k), v));
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Topic names: defaults with the {@code --topic} overrides. */
    public Topics topics() {
        Map<String, String> settings = new HashMap<>();
        topicOverrides.forEach((role, name) -> {
            if (!Topics.ROLES.contains(role)) {
                throw new ConfigException(
                        "--topic " + role,
                        "unknown topic role; accepted: " + String.join(", ", new java.util.TreeSet<>(Topics.ROLES)));
            }
            if (name.isBlank()) {
                throw new ConfigException("--topic " + role, "topic name must not be empty");
            }
            settings.put("topic." + role, name);
        });
        return Topics.from(settings);
    }

    /** The bootstrap servers as given. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    static final class TopicRoles extends java.util.ArrayList<String> {
        TopicRoles() {
            super(new java.util.TreeSet<>(Topics.ROLES));
        }
    }
}
