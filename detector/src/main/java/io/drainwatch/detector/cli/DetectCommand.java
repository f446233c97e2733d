package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.MetricsServer;
import io.drainwatch.detector.topology.Detector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch detect}: runs the detector until stopped. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = "Run the drain detector (Kafka Streams) until stopped.")
public final class DetectCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Detector settings (properties); see defaults.properties for every key.")
    @Nullable
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Set one setting, after the file and DRAINWATCH_* environment variables.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        DetectorConfig detectorConfig =
                DetectorConfig.from(layers(kafka, config, overrides, System.getenv()), kafka.bootstrapServers());
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
     * The detector's settings in their documented order: built-in defaults, the {@code --config} file,
     * {@code DRAINWATCH_*} variables, Kafka client options, then {@code --set}.
     */
    static Map<String, String> layers(
            KafkaOptions kafka, @Nullable Path file, Map<String, String> overrides, Map<String, String> env) {
        Map<String, String> client = new LinkedHashMap<>();
        kafka.clientProperties().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                client.put("kafka." + k, String.valueOf(v));
            }
        });
        kafka.topicOverrides.forEach((role, name) -> client.put("topic." + role, name));
        kafka.topics(); // validates the roles
        return ConfigLayers.merge(
                ConfigLayers.defaults(),
                file == null ? Map.of() : ConfigLayers.file(file),
                ConfigLayers.environment(env),
                client,
                overrides);
    }
}
