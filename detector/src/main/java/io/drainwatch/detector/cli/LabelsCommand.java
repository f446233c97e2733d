package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.LabelFile;
import io.drainwatch.schemas.AddressLabel;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drainwatch labels}: Address labels (compacted topic drainwatch.labels, key chainId:address, or {@code *:address} for every chain). */
@Command(
        name = "labels",
        mixinStandardHelpOptions = true,
        description =
                "Address labels (compacted topic drainwatch.labels, key chainId:address, or *:address for every chain).")
public final class LabelsCommand implements Runnable {
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
                "Load an address-labels file: columns address,category,source; optional chain_id (empty: every chain), note; category is sanctioned, attacker, drainer, mixer, bridge, exchange, own or other.",
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
        return new ReferenceImport<>(new LabelFile(), AddressLabel.class)
                .run(file, delete, kafka, kafka.topics().labels(), cli.getOut(), cli.getErr());
    }
}
