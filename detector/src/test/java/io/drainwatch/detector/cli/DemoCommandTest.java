package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Drainwatch.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void aScenarioTooLargeForTheFleetStopsBeforeAnythingStartsAndSaysWhatToUse() {
        assertThat(run("demo", "--wallets", "200")).isEqualTo(2);
        assertThat(err.toString())
                .contains("configuration error", "use at least 510 wallets")
                .doesNotContain("Exception");
        assertThat(out.toString()).doesNotContain("kafka ");
    }

    @Test
    void anUnknownAttackShapeIsRefusedNamingTheShapesBeforeAnythingStarts() {
        assertThat(run("demo", "--attack", "mass-sweep,phishing")).isEqualTo(2);
        assertThat(err.toString())
                .contains("--attack", "unknown attack 'phishing'", "sweep, mass-sweep, approval, delegation, drip")
                .doesNotContain("Exception");
        assertThat(out.toString()).doesNotContain("kafka ");
    }

    @Test
    void theBlockIntervalReadsMillisecondsSecondsAndIso8601() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(run("demo", "--block-interval", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    @Test
    void aMetricsPortInUseIsNamedWithWhatToDoBeforeABrokerStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            assertThat(run("demo", "--metrics-port", Integer.toString(taken.getLocalPort())))
                    .isEqualTo(2);
        }
        assertThat(err.toString())
                .contains("--metrics-port", "pick another port, or 0")
                .doesNotContain("Exception");
        assertThat(out.toString()).doesNotContain("kafka ");
    }

    @Test
    void theDemoIsACommandOfTheProgramWithItsOptionsInTheHelp() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString())
                .contains(
                        "--wallets",
                        "--swept",
                        "--destinations",
                        "--mass-swept",
                        "--attack",
                        "--block-interval",
                        "--seed",
                        "--metrics-port",
                        "--kafka-port",
                        "--keep-running");
    }
}
