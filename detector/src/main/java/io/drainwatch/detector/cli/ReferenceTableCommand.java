package io.drainwatch.detector.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code drainwatch wallets|allowlist|labels|prices import FILE}: the older name of
 * {@code drainwatch import TABLE FILE}, one instance per table (registered by {@link Drainwatch}).
 */
@Command(mixinStandardHelpOptions = true)
final class ReferenceTableCommand implements Runnable {
    private final ReferenceTable table;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ReferenceTableCommand(ReferenceTable table) {
        this.table = table;
    }

    /** The command line of {@code table}'s command, with its help text. */
    static CommandLine of(ReferenceTable table) {
        CommandLine cli = new CommandLine(new ReferenceTableCommand(table));
        cli.getCommandSpec().usageMessage().description(table.table());
        java.util.Objects.requireNonNull(cli.getSubcommands().get("import"))
                .getCommandSpec()
                .usageMessage()
                .description(
                        table.columns(),
                        "The same as: drainwatch import " + table.id() + " FILE.",
                        "Rejected rows are reported as FILE:LINE: reason; the other rows still load.",
                        "Exit code 0 when every row loaded, 1 when a row was rejected, 2 when the file or its header is unusable.");
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "import", mixinStandardHelpOptions = true)
    int importFile(
            @Parameters(paramLabel = "FILE", description = "CSV file with a header row.") Path file,
            @Mixin ImportCommand.ImportOptions options,
            @Mixin KafkaOptions kafka) {
        return ImportCommand.run(
                table,
                file,
                options.mode(),
                kafka,
                java.util.Objects.requireNonNull(
                        spec.commandLine().getSubcommands().get("import")));
    }
}
