package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.AllowlistFile;
import io.drainwatch.schemas.AllowedCounterparty;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drainwatch allowlist}: Allowed counterparties (compacted topic drainwatch.allowlist, key chainId:address/custodyGroup). */
@Command(
        name = "allowlist",
        mixinStandardHelpOptions = true,
        description =
                "Allowed counterparties (compacted topic drainwatch.allowlist, key chainId:address/custodyGroup).")
public final class AllowlistCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Load an allowlist file: columns chain_id,address,custody_group,kind,note; custody_group * means every group; kind is own-hot, own-cold, exchange, user-withdrawal or other.",
                "Rejected rows are reported as FILE:LINE: reason; the other rows still load.",
                "Exit code 0 when every row loaded, 1 when a row was rejected, 2 when the file or its header is unusable."
            })
    int importFile(
            @Parameters(paramLabel = "FILE", description = "CSV file with a header row.") Path file,
            @Option(
                            names = "--delete",
                            description =
                                    "Remove the records whose keys the file lists (tombstones); only key columns are needed.")
                    boolean delete,
            @Mixin KafkaOptions kafka) {
        CommandLine cli = spec.commandLine().getSubcommands().get("import");
        return new ReferenceImport<>(new AllowlistFile(), AllowedCounterparty.class)
                .run(file, delete, kafka, kafka.topics().allowlist(), cli.getOut(), cli.getErr());
    }
}
