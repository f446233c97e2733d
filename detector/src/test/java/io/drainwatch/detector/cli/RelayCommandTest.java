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

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Drainwatch.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }
}
