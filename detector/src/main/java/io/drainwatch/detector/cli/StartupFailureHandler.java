package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a configuration error into one clear line and exit code 2 instead of a stack trace: the
 * message names the key and what it accepts.
 */
final class StartupFailureHandler implements IExecutionExceptionHandler {
    static final int CONFIG_ERROR = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parseResult) throws Exception {
        if (e instanceof ConfigException config) {
            cli.getErr().println("drainwatch: configuration error: " + config.getMessage());
            return CONFIG_ERROR;
        }
        if (e instanceof Preflight.StartupProblem problem) {
            cli.getErr().println("drainwatch: " + problem.getMessage());
            return CONFIG_ERROR;
        }
        throw e;
    }
}
