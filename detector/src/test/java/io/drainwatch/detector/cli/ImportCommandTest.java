package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drainwatch import TABLE FILE} and its older names answer the same, before any Kafka is reached. */
class ImportCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run drainwatch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anUnusableFileExitsTwoUnderBothNamesOfEveryTable() throws Exception {
        Path missing = dir.resolve("missing.csv");
        Path badHeader = Files.writeString(dir.resolve("bad.csv"), "nothing,useful\n1,2\n");
        for (String table : new String[] {"wallets", "allowlist", "labels", "prices", "signed-tx"}) {
            for (String[] args :
                    new String[][] {{"import", table, missing.toString()}, {table, "import", missing.toString()}}) {
                Run run = drainwatch(args);
                assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(run.err()).isEqualTo("drainwatch: " + missing + ": no such file\n");
            }
            Run viaImport = drainwatch("import", table, badHeader.toString(), "--mode", "delete");
            Run viaAlias = drainwatch(table, "import", "--delete", badHeader.toString());
            assertThat(viaImport.exit()).as(table).isEqualTo(2);
            assertThat(viaImport.err()).startsWith("drainwatch: ").contains(badHeader.toString());
            assertThat(viaAlias).isEqualTo(viaImport);
        }
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWholeSayingSo() throws Exception {
        // Latin-1 bytes, as a spreadsheet may save them: "é" is 0xE9, never valid alone in UTF-8
        Path latin1 = Files.write(
                dir.resolve("latin1.csv"),
                "chain_id,address,custody_group,owner_ref\n1,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,retail,Ren\u00e9\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Run run = drainwatch("import", "wallets", latin1.toString(), "-b", "127.0.0.1:1");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("drainwatch: " + latin1 + ": not UTF-8 text; save it as UTF-8 (nothing was loaded)\n");
    }

    @Test
    void anUnknownTableIsRefusedNamingTheTables() {
        Run run = drainwatch("import", "pirates", "x.csv");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("TABLE").contains("wallets, allowlist, labels, prices or signed-tx");
    }

    @Test
    void theSignerLogIsATableUnderBothNamesWithItsColumnsInTheHelp() {
        Run viaImport = drainwatch("import", "--help");
        assertThat(viaImport.out()).contains("signed-tx  columns chain_id,tx_hash");
        Run viaAlias = drainwatch("signed-tx", "import", "--help");
        assertThat(viaAlias.exit()).isZero();
        assertThat(viaAlias.out())
                .contains("columns chain_id,tx_hash; optional from,to,nonce,signed_at")
                .contains("drainwatch import signed-tx FILE");
    }

    @Test
    void theOlderNamesKeepTheirHelp() {
        Run run = drainwatch("labels", "import", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("columns address,category,source")
                .contains("drainwatch import labels FILE")
                .contains("--delete", "--mode", "--bootstrap-servers");
    }

    @Test
    void aProgressLineSaysRowsDoneRateAndTimeLeft() {
        assertThat(ReferenceImport.progress("sent", 500_000, 2_000_000, java.time.Duration.ofSeconds(2)))
                .isEqualTo("sent 500,000 of 2,000,000 rows (250,000 rows/s, 6s left)");
        assertThat(ReferenceImport.progress("read", 10_000_000, 10_000_000, java.time.Duration.ofSeconds(40)))
                .isEqualTo("read 10,000,000 of 10,000,000 rows (250,000 rows/s, 0s left)");
    }
}
