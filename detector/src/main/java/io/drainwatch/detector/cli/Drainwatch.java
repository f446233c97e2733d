package io.drainwatch.detector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drainwatch} program: one jar, one subcommand per role. */
@Command(
        name = "drainwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Real-time wallet drain detection for custodial EVM wallet fleets.",
        subcommands = {
            CommandLine.HelpCommand.class,
            TopicsCommand.class,
            CheckCommand.class,
            ImportCommand.class,
            AlertsCommand.class,
            DetectCommand.class,
            IngestCommand.class,
            RelayCommand.class,
            DemoCommand.class,
            BacktestCommand.class,
        })
public final class Drainwatch implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every role registered; tests execute commands through it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Drainwatch());
        for (ReferenceTable table : ReferenceTable.values()) {
            cli.addSubcommand(table.id(), ReferenceTableCommand.of(table));
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new StartupFailureHandler());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
