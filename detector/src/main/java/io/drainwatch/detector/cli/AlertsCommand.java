package io.drainwatch.detector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch alerts}: reading what the detector found. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Read alerts and incidents.")
public final class AlertsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(
            name = "tail",
            mixinStandardHelpOptions = true,
            description = {
                "Print alerts and incident updates as they happen, from any cluster (no consumer group, nothing committed).",
                "JSON lines carry the Avro field names, a \"type\" of alert or incident, exact amounts as strings and ISO-8601 times."
            })
    int tail(
            @Option(
                            names = "--from-beginning",
                            description = "Start with the oldest retained records instead of only new ones.")
                    boolean fromBeginning,
            @Option(
                            names = "--format",
                            defaultValue = "human",
                            paramLabel = "FORMAT",
                            description = "human or json (default ${DEFAULT-VALUE}).")
                    AlertTail.Format format,
            @Option(
                            names = "--max",
                            defaultValue = "0",
                            paramLabel = "N",
                            description = "Stop after N records (0: run until interrupted).")
                    long max,
            @Mixin KafkaOptions kafka) {
        CommandLine cli = java.util.Objects.requireNonNull(
                spec.commandLine().getSubcommands().get("tail"));
        return new AlertTail().run(kafka, fromBeginning, format, max, cli.getOut(), cli.getErr());
    }
}
