package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.ImportMode;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drainwatch import TABLE FILE}: loads an operator file into its reference table's compacted
 * topic. {@code drainwatch wallets import FILE} (and the same for allowlist, labels, prices, signed-tx) is the
 * same command under its older name ({@link ReferenceTableCommand}).
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Load a reference file into its compacted topic. TABLE is wallets, allowlist, labels, prices or signed-tx:",
            "  wallets    columns chain_id,address,custody_group; optional owner_ref,tags (separated by ;)",
            "  allowlist  columns chain_id,address,custody_group,kind,note (custody_group * = every group)",
            "  labels     columns address,category,source; optional chain_id (empty: every chain), note",
            "  prices     columns chain_id,asset,usd_price,decimals; optional symbol (stamped with the import time)",
            "  signed-tx  columns chain_id,tx_hash; optional from,to,nonce,signed_at,signer,signer_request_id,custody_group,",
            "             reference: the custodian's signer log, what its signer authorised",
            "Rejected rows are reported as FILE:LINE: reason; the other rows still load.",
            "Exit code 0 when every row loaded, 1 when a row was rejected, 2 when the file or its header is unusable."
        })
public final class ImportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "TABLE",
            converter = TableConverter.class,
            description = "wallets, allowlist, labels, prices or signed-tx.")
    ReferenceTable table = ReferenceTable.WALLETS;

    @Parameters(index = "1", paramLabel = "FILE", description = "CSV file with a header row.")
    Path file = Path.of("");

    @Mixin
    ImportOptions options = new ImportOptions();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Override
    public Integer call() {
        return run(table, file, options.mode(), kafka, spec.commandLine());
    }

    /** Loads {@code file} into {@code table}'s topic, printing to {@code cli}'s streams; returns the exit code. */
    static int run(ReferenceTable table, Path file, ImportMode mode, KafkaOptions kafka, CommandLine cli) {
        return table.importer(Instant.now(), TopicCatalogue.of(kafka.topics()))
                .run(file, mode, kafka, cli.getOut(), cli.getErr());
    }

    /** Reads a table's command-line name ({@code signed-tx} is not an enum constant's spelling). */
    static final class TableConverter implements CommandLine.ITypeConverter<ReferenceTable> {
        @Override
        public ReferenceTable convert(String value) {
            try {
                return ReferenceTable.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --mode upsert|delete}, and {@code --delete} for {@code --mode delete}. */
    public static final class ImportOptions {
        @Option(
                names = "--mode",
                paramLabel = "MODE",
                description = "upsert (every row a complete record, the default) or delete (only key columns;"
                        + " each row removes the record with that key).")
        ImportMode mode = ImportMode.UPSERT;

        @Option(
                names = "--delete",
                description = "The same as --mode delete: remove the records whose keys the file lists (tombstones).")
        boolean delete;

        ImportMode mode() {
            return delete ? ImportMode.DELETE : mode;
        }
    }
}
