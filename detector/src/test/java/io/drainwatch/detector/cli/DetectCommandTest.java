package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.DetectorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code drainwatch detect}: the shared metrics options are a layer like the others. */
class DetectCommandTest {

    private static DetectorConfig config(Map<String, String> env, String... args) {
        DetectCommand command = new DetectCommand();
        new CommandLine(command).parseArgs(args);
        return command.config(env);
    }

    @Test
    void theMetricsOptionsSitBetweenTheEnvironmentAndSet() {
        assertThat(config(Map.of()).metricsPort()).isEqualTo(9400);
        assertThat(config(Map.of("DRAINWATCH_METRICS_PORT", "-1")).metricsPort())
                .isEqualTo(-1);
        assertThat(config(
                        Map.of("DRAINWATCH_METRICS_PORT", "-1"), "--metrics-port", "0", "--metrics-host", "127.0.0.1"))
                .satisfies(c -> {
                    assertThat(c.metricsPort()).isZero();
                    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
                });
        assertThat(config(Map.of(), "--metrics-port", "0", "--set", "metrics.port=19400")
                        .metricsPort())
                .isEqualTo(19400);
    }

    @Test
    void anErrorAboutAKeySetByAnOptionNamesTheOption() {
        assertThatThrownBy(() -> config(Map.of(), "--metrics-port", "70000"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("metrics.port (--metrics-port): '70000' is not a port");
        assertThatThrownBy(() -> config(Map.of(), "--set", "detector.punctuate-interval=soon"))
                .hasMessageStartingWith("detector.punctuate-interval: 'soon' is not a duration; accepted: 500ms");
    }
}
