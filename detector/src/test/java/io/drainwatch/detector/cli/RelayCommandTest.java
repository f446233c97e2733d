package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code drainwatch relay} refuses bad settings at start with one line naming the option. */
class RelayCommandTest {

    @Test
    void alertmanagerUrlMustBeHttp() {
        Run run = run("relay", "--alertmanager-url", "ftp://user:secret@am:9093");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err)
                .contains("--alertmanager-url")
                .contains("http:// or https://")
                .doesNotContain("secret");
    }

    @Test
    void repostIntervalHasAFloor() {
        Run run = run("relay", "--alertmanager-url", "http://am:9093", "--repost-interval", "500ms");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("--repost-interval").contains("at least 1s");
    }

    @Test
    void durationsSayWhatTheyAccept() {
        Run run = run("relay", "--repost-interval", "soon");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("'soon' is not a duration").contains("30s");
    }

    @Test
    void explorerChainMustBeAChainId() {
        Run run = run("relay", "--alertmanager-url", "http://am:9093", "--explorer", "mainnet=https://etherscan.io");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("--explorer mainnet").contains("numeric chain id");
    }

    @Test
    void optionsEnvironmentAndFileBuildOneConfiguration() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("relay", ".properties");
        try {
            java.nio.file.Files.writeString(
                    file,
                    "relay.repost-interval=PT2M\nrelay.min-alert-severity=high\nrelay.explorer.10=https://x.example\n");
            RelayCommand command = new RelayCommand();
            new CommandLine(command).parseArgs("--config", file.toString(), "--max-backoff", "1500ms");
            io.drainwatch.detector.relay.RelayConfig config = command.config(
                    command.settings(java.util.Map.of("DRAINWATCH_ALERTMANAGER_URLS", "http://am:9093")));
            assertThat(config.alertmanagers()).hasToString("[http://am:9093]");
            assertThat(config.repostInterval()).hasMinutes(2);
            assertThat(config.minAlertSeverity()).isEqualTo(io.drainwatch.schemas.Severity.HIGH);
            assertThat(config.maxBackoff()).hasMillis(1500);
            assertThat(config.explorers()).containsOnlyKeys(10L);
        } finally {
            java.nio.file.Files.delete(file);
        }
        RelayCommand defaults = new RelayCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.config(defaults.settings(java.util.Map.of())).explorers())
                .as("explorers when none is set")
                .containsOnlyKeys(1L, 11155111L);
    }

    @Test
    void aSeverityOutsideTheListNamesTheAcceptedOnes() {
        Run run = run("relay", "--min-alert-severity", "urgent");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err)
                .contains("relay.min-alert-severity (--min-alert-severity): 'urgent' is not accepted")
                .contains("info, low, medium, high, critical");
    }

    @Test
    void aMetricsPortOutOfRangeNamesTheKeyTheOptionAndTheMeaningOfZeroAndMinusOne() {
        Run run = run("relay", "--metrics-port", "70000");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err)
                .contains(
                        "metrics.port (--metrics-port): '70000' is not a port; accepted: 1-65535, 0 picks a free port,"
                                + " -1 serves none");
    }

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Drainwatch.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }
}
