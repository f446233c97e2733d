package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.WalletFile;
import io.drainwatch.schemas.WatchedWallet;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drainwatch wallets}: Watched wallets (compacted topic drainwatch.wallets, key chainId:address). */
@Command(
        name = "wallets",
        mixinStandardHelpOptions = true,
        description = "Watched wallets (compacted topic drainwatch.wallets, key chainId:address).")
public final class WalletsCommand implements Runnable {
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
                "Load a watched-wallets file: columns chain_id,address,custody_group; optional owner_ref,tags (separated by ;).",
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
        return new ReferenceImport<>(new WalletFile(), WatchedWallet.class)
                .run(file, delete, kafka, kafka.topics().wallets(), cli.getOut(), cli.getErr());
    }
}
