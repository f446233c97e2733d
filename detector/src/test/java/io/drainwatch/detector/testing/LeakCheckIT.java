package io.drainwatch.detector.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.drainwatch.detector.embedded.EmbeddedKafka;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * The leak check fails a test class that leaves a Kafka cluster or a child process running, names what
 * it left, kills the process, and passes a class that closes what it started.
 */
class LeakCheckIT {
    private static final AtomicReference<@Nullable EmbeddedKafka> LEAKED_CLUSTER = new AtomicReference<>();
    private static final AtomicReference<@Nullable Process> LEAKED_PROCESS = new AtomicReference<>();

    @AfterEach
    void closeWhatTheSampleLeft() {
        EmbeddedKafka cluster = LEAKED_CLUSTER.getAndSet(null);
        if (cluster != null) {
            cluster.close();
        }
        Process process = LEAKED_PROCESS.getAndSet(null);
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void aClassThatLeavesAClusterRunningFailsNamingItsThreads() {
        TestExecutionResult result = runClass(LeavesAClusterRunning.class);

        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(result.getThrowable())
                .get()
                .asString()
                .contains(LeavesAClusterRunning.class.getName() + " left behind what it started")
                .contains("Kafka thread");
    }

    @Test
    void aClassThatLeavesAChildProcessRunningFailsNamingItAndTheProcessIsKilled() {
        TestExecutionResult result = runClass(LeavesAProcessRunning.class);

        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(result.getThrowable())
                .get()
                .asString()
                .contains("child process pid=" + LEAKED_PROCESS.get().pid())
                .contains("sleep 300");
        assertThat(LEAKED_PROCESS.get().isAlive())
                .as("the leaked process was killed")
                .isFalse();
    }

    @Test
    void aClassThatClosesWhatItStartedPasses() {
        TestExecutionResult result = runClass(ClosesWhatItStarted.class);

        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    /** Runs one class through the JUnit engine with extension auto-detection on, as the build runs it. */
    private static TestExecutionResult runClass(Class<?> testClass) {
        List<Event> finished = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(LeakCheck.GRACE_PARAMETER, "3")
                .selectors(selectClass(testClass))
                .execute()
                .containerEvents()
                .filter(e -> e.getType() == EventType.FINISHED
                        && e.getTestDescriptor()
                                .getSource()
                                .filter(s -> s instanceof ClassSource c
                                        && c.getJavaClass().equals(testClass))
                                .isPresent())
                .toList();
        assertThat(finished).as("the class ran").hasSize(1);
        return finished.get(0).getRequiredPayload(TestExecutionResult.class);
    }

    static class LeavesAClusterRunning {
        @Test
        void startsAClusterAndForgetsIt() {
            LEAKED_CLUSTER.set(EmbeddedKafka.start());
        }
    }

    static class LeavesAProcessRunning {
        @Test
        void startsAProcessAndForgetsIt() throws IOException {
            LEAKED_PROCESS.set(new ProcessBuilder("sleep", "300").start());
        }
    }

    static class ClosesWhatItStarted {
        @Test
        void startsAndClosesAClusterAndAProcess() throws Exception {
            try (EmbeddedKafka cluster = EmbeddedKafka.start()) {
                assertThat(cluster.bootstrapServers()).isNotEmpty();
            }
            Process process = new ProcessBuilder("sleep", "300").start();
            process.destroy();
            process.waitFor();
        }
    }
}
