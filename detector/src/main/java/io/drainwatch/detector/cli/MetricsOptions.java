package io.drainwatch.detector.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where a role serves {@code /metrics}, {@code /health} and {@code /ready}, shared as a picocli mixin.
 * The options set the keys {@code metrics.host} and {@code metrics.port}, whose defaults are the role's
 * (detect 9400, ingest 9401, relay 9402). Port 0 picks a free port, which is logged; -1 serves none.
 */
public final class MetricsOptions {
    @Option(
            names = "--metrics-host",
            paramLabel = "HOST",
            description = "Interface of /metrics, /health and /ready (key metrics.host; default 0.0.0.0).")
    @Nullable
    String host;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Port of /metrics, /health and /ready (key metrics.port): 0 picks a free port (logged),"
                    + " -1 serves none. Default: the role's (detect 9400, ingest 9401, relay 9402).")
    @Nullable
    Integer port;

    /** The options given, as keys. */
    OptionLayer layer() {
        return new OptionLayer()
                .option("--metrics-host", "metrics.host", host)
                .option("--metrics-port", "metrics.port", port);
    }
}
