package io.drainwatch.detector.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.testing.KafkaClusterExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of {@code bin/chaos}: the same harness with a smaller scenario and one fault of every
 * kind (a detector, the ingestor and the relay killed with SIGKILL, a broker stopped and started, the chain
 * node paused and restarted, Alertmanager down), on three broker nodes with {@code min.insync.replicas}
 * 2. The disturbed run must write what the undisturbed run of the same seed wrote, and every page must
 * reach Alertmanager.
 */
class ChaosIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            KafkaClusterExtension.nodes(3).withBrokerConfig("min.insync.replicas", "2");

    @TempDir
    Path work;

    @Test
    void aDisturbedRunWritesAndPagesWhatTheUndisturbedRunOfItsSeedDoes() {
        ChaosHarness.Result result = ChaosHarness.run(
                KAFKA.cluster(),
                work,
                new ChaosHarness.Settings(ChaosHarness.DEFAULT_SEED, 1, 30, 2),
                line -> System.out.println("chaos: " + line));
        result.details().forEach(line -> System.out.println("chaos: " + line));
        System.out.println(result.summary());
        assertThat(result.summary()).contains("faults=7 (");
        assertThat(result.passed()).as(String.join("\n", result.details())).isTrue();
    }
}
