package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drainwatch backtest}'s exit codes: 2 with the key for configuration errors, 1 with the reason for a failed run. */
class BacktestCommandTest {
    @TempDir
    Path dir;

    private String err = "";

    @Test
    void aDetectorSettingTheDetectorDoesNotReadIsAConfigurationErrorNamingIt() throws Exception {
        int code = run("--set", "rules.balance-drain.min-usdd=2500");

        assertThat(code).isEqualTo(2);
        assertThat(err).startsWith("drainwatch: configuration error: rules.balance-drain.min-usdd");
    }

    @Test
    void aWalletRowThatCannotBeLoadedIsAConfigurationErrorNamingTheOptionAndTheLine() throws Exception {
        Files.writeString(dir.resolve("wallets.csv"), "chain_id,address,custody_group\n1,0x1234,retail\n");

        int code = run();

        assertThat(code).isEqualTo(2);
        assertThat(err)
                .startsWith("drainwatch: configuration error: --wallets: 1 row(s) cannot be used, first "
                        + dir.resolve("wallets.csv") + ":2: address");
    }

    @Test
    void anUnknownDurationIsAConfigurationErrorNamingTheOption() throws Exception {
        int code = run("--last", "a while");

        assertThat(code).isEqualTo(2);
        assertThat(err)
                .startsWith("drainwatch: configuration error: --last: 'a while' is not a duration; accepted: 500ms");
    }

    @Test
    void aNodeThatDoesNotAnswerFailsTheRunWithTheReasonAndARedactedUrl() throws Exception {
        int code = run("--rpc-url", "http://127.0.0.1:1/v3/secret-api-key", "--from-block", "1");

        assertThat(code).isEqualTo(1);
        assertThat(err).contains("drainwatch: backtest failed: the node http://127.0.0.1:1/*** cannot be read");
        assertThat(err).doesNotContain("secret-api-key");
    }

    private int run(String... extra) throws Exception {
        Path wallets = dir.resolve("wallets.csv");
        if (!Files.exists(wallets)) {
            Files.writeString(
                    wallets, "chain_id,address,custody_group\n1,0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,retail\n");
        }
        List<String> args = new ArrayList<>(List.of(
                "backtest",
                "--chain-id",
                "1",
                "--wallets",
                wallets.toString(),
                "--out",
                dir.resolve("out").toString()));
        if (!List.of(extra).contains("--rpc-url")) {
            args.addAll(List.of("--rpc-url", "http://127.0.0.1:1"));
        }
        args.addAll(List.of(extra));
        StringWriter errors = new StringWriter();
        var cli = Drainwatch.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(errors, true));
        int code = cli.execute(args.toArray(String[]::new));
        err = errors.toString();
        return code;
    }
}
