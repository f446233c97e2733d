package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.embedded.AccessCheck;
import io.drainwatch.detector.metrics.MetricsServer;
import io.drainwatch.detector.topology.Detector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code drainwatch detect}: runs the detector until stopped. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = "Run the drain detector (Kafka Streams) until stopped.")
public final class DetectCommand implements Callable<Integer> {

    @Mixin
    RoleOptions role = new RoleOptions();

    @Override
    public Integer call() throws Exception {
        DetectorConfig detectorConfig = config(System.getenv());
        Preflight.check(
                new AccessCheck.Needs(
                        Role.DETECT, detectorConfig.applicationId(), detectorConfig.applicationId() + "-preflight"),
                detectorConfig.topics(),
                role.kafka.clientProperties(),
                role.kafka.bootstrapServers());
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // The hook waits for the detector to close: the JVM halts as soon as every hook has returned.
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        // Streams' own close timeout, then a little for the metrics server and the logs.
                        closed.await(detectorConfig.shutdownTimeout().toSeconds() + 10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "detect-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (MetricsServer metrics =
                        MetricsServer.start(detectorConfig.metricsHost(), detectorConfig.metricsPort(), "detect");
                Detector detector = Detector.start(detectorConfig, metrics.registry())) {
            metrics.readiness(() -> detector.state() == KafkaStreams.State.RUNNING);
            // Kafka Streams accepts a state listener only before start(), and the detector has started:
            // watch the state instead.
            while (!stop.await(500, TimeUnit.MILLISECONDS)) {
                KafkaStreams.State state = detector.state();
                if (state == KafkaStreams.State.ERROR
                        || state == KafkaStreams.State.PENDING_ERROR
                        || state == KafkaStreams.State.NOT_RUNNING) {
                    break;
                }
            }
            return detector.state() == KafkaStreams.State.ERROR || detector.state() == KafkaStreams.State.PENDING_ERROR
                    ? 1
                    : 0;
        } finally {
            closed.countDown();
        }
    }

    /**
     * The detector's configuration from its settings in their documented order: built-in defaults, the
     * {@code --config} file, {@code DRAINWATCH_*} variables, the options (Kafka client, topics, metrics),
     * then {@code --set}.
     */
    DetectorConfig config(Map<String, String> env) {
        Map<String, String> client = new LinkedHashMap<>();
        role.kafka.clientProperties().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                client.put(k, String.valueOf(v));
            }
        });
        role.kafka.topics(); // validates the roles
        OptionLayer options = new OptionLayer()
                .entries("--kafka-config", "kafka.", client)
                .entries("--topic", "topic.", role.kafka.topicOverrides)
                .with(role.metrics.layer());
        try {
            return DetectorConfig.from(
                    role.settings.settings(Role.DETECT, options, env).asMap(), role.kafka.bootstrapServers());
        } catch (ConfigException e) {
            throw options.named(e);
        }
    }
}
