package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.PriceFile;
import io.drainwatch.schemas.TokenPrice;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drainwatch prices}: Token prices in USD (compacted topic drainwatch.prices, key chainId:asset). */
@Command(
        name = "prices",
        mixinStandardHelpOptions = true,
        description = "Token prices in USD (compacted topic drainwatch.prices, key chainId:asset).")
public final class PricesCommand implements Runnable {
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
                "Load a token-prices file: columns chain_id,asset,usd_price,decimals; optional symbol; asset is native or the token address; prices are stamped with the import time.",
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
        return new ReferenceImport<>(new PriceFile(Instant.now()), TokenPrice.class)
                .run(file, delete, kafka, kafka.topics().prices(), cli.getOut(), cli.getErr());
    }
}
