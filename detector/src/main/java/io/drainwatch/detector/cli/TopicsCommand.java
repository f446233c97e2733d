package io.drainwatch.detector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code drainwatch topics}: administration of drainwatch's topics. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Manage drainwatch's Kafka topics.",
        subcommands = {CreateTopicsCommand.class})
public final class TopicsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
