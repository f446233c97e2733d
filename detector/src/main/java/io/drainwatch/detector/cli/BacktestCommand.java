package io.drainwatch.detector.cli;

import io.drainwatch.detector.backtest.Backtest;
import io.drainwatch.detector.backtest.BacktestConfig;
import io.drainwatch.detector.backtest.BacktestException;
import io.drainwatch.detector.backtest.BacktestReport;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drainwatch backtest}: what drainwatch would have said about a block range of a real chain. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = {
            "Replay a block range of a real node through the ingestor and the detector on an embedded Kafka broker,",
            "with your reference files and detector settings, and write a report (report.html, report.json): alerts by",
            "rule, severity and custody group, incident timelines, the wallets that would have paged and, with --truth,",
            "recall, delay to the first page and false pages. Historical balances are read at each block: use an archive node.",
            "Exit code 0 when the run completed (whatever it found), 2 for a configuration error, 1 when the run failed."
        })
public final class BacktestCommand implements Callable<Integer> {
    static final int RUN_FAILED = 1;
    /** Stopped by a signal, as shells report SIGINT. */
    static final int STOPPED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rpc-url",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_RPC_URLS}",
            description = "HTTP(S) JSON-RPC URL of the node; repeat or comma-separate for failover."
                    + " Default: DRAINWATCH_RPC_URLS, which keeps API keys in URLs off the command line.")
    List<String> rpcUrls = new ArrayList<>();

    @Option(
            names = "--chain-id",
            required = true,
            description = "The chain id; checked against the node's eth_chainId.")
    long chainId;

    @Option(names = "--from-block", description = "First block of the range.")
    @Nullable
    Long fromBlock;

    @Option(names = "--to-block", description = "Last block of the range (default: the node's head).")
    @Nullable
    Long toBlock;

    @Option(
            names = "--last",
            paramLabel = "DURATION",
            description =
                    "Instead of --from-block: the blocks of the last DURATION (30m, 6h, 7d or ISO-8601) before --to-block.")
    @Nullable
    String last;

    @Option(
            names = "--wallets",
            required = true,
            paramLabel = "FILE",
            description = "Watched wallets: chain_id,address,custody_group[,owner_ref,tags] (as 'wallets import').")
    Path wallets;

    @Option(
            names = "--allowlist",
            paramLabel = "FILE",
            description = "Allowlist: chain_id,address,custody_group,kind,note.")
    @Nullable
    Path allowlist;

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "Address labels: address,category,source[,chain_id,note].")
    @Nullable
    Path labels;

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description = "Token prices: chain_id,asset,usd_price,decimals[,symbol].")
    @Nullable
    Path prices;

    @Option(
            names = "--truth",
            paramLabel = "FILE",
            description =
                    "Known victims: chain_id,address[,first_block]; adds recall, delay and false pages to the report.")
    @Nullable
    Path truth;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Detector settings (properties), as 'detect' takes them.")
    @Nullable
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one detector setting, after --config.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "backtest-report",
            description = "Folder of report.html and report.json (default ${DEFAULT-VALUE}).")
    Path out = Path.of("backtest-report");

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Keep the embedded broker's topics and the detector's state in this new folder"
                    + " (default: a temporary folder deleted at the end).")
    @Nullable
    Path dataDir;

    @Option(
            names = "--trace",
            defaultValue = "debug",
            description =
                    "Internal transfers from: debug (debug_traceBlockByHash), parity (trace_block), none. Default ${DEFAULT-VALUE}.")
    TraceMode trace = TraceMode.DEBUG;

    @Option(
            names = "--batch-blocks",
            defaultValue = "20",
            description = "Blocks per read and per Kafka transaction (default ${DEFAULT-VALUE}).")
    int batchBlocks = 20;

    @Option(
            names = "--finality-depth",
            defaultValue = "64",
            description = "Blocks below the range's last block taken as final (default ${DEFAULT-VALUE}).")
    int finalityDepth = 64;

    @Option(
            names = "--settle-timeout",
            defaultValue = "10m",
            description = "How long the detector may take to catch up after the last block (default ${DEFAULT-VALUE}).")
    String settleTimeout = "10m";

    @Option(
            names = "--stall-timeout",
            defaultValue = "5m",
            description = "Give up when the ingestor writes no block for this long (default ${DEFAULT-VALUE}).")
    String stallTimeout = "5m";

    /** The validated configuration of this command line. */
    BacktestConfig backtestConfig() {
        List<RpcUrl> urls = rpcUrls.stream()
                .filter(u -> u != null && !u.isBlank())
                .map(u -> RpcUrl.parse("--rpc-url", u, "http", "https"))
                .toList();
        Map<String, String> settings =
                ConfigLayers.merge(config == null ? Map.of() : ConfigLayers.file(config), overrides);
        return new BacktestConfig(
                chainId,
                urls,
                fromBlock,
                toBlock,
                last == null ? null : duration("--last", last),
                wallets,
                allowlist,
                labels,
                prices,
                truth,
                settings,
                out,
                dataDir,
                trace,
                batchBlocks,
                finalityDepth,
                duration("--settle-timeout", settleTimeout),
                duration("--stall-timeout", stallTimeout));
    }

    private static Duration duration(String option, String raw) {
        return Durations.positive(option, raw);
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        BacktestConfig backtest = backtestConfig();
        Backtest.Outcome outcome;
        // Ctrl-C or SIGTERM: stop the run and let it close the ingestor, the detector and the broker and
        // delete its temporary folder; the JVM halts as soon as the hook returns.
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(
                () -> {
                    stopping.set(true);
                    main.interrupt();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "backtest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            outcome = new Backtest(backtest, stderr, Backtest.stderrIsTerminal()).run();
        } catch (InterruptedException e) {
            stderr.println("drainwatch: backtest stopped");
            stderr.flush();
            return STOPPED;
        } catch (RuntimeException e) {
            if (stopping.get() && !(e instanceof ConfigException)) {
                // interrupted start-ups (the broker, the detector) fail in their own words
                stderr.println("drainwatch: backtest stopped");
                stderr.flush();
                return STOPPED;
            }
            return failed(e, stderr);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and waits for this run to end
            }
        }
        return report(outcome, stdout);
    }

    private static int failed(RuntimeException failure, PrintWriter stderr) {
        if (failure instanceof BacktestException e) {
            stderr.println("drainwatch: backtest failed: " + e.getMessage());
            stderr.flush();
            return RUN_FAILED;
        }
        if (failure instanceof ConfigException e) {
            throw e;
        }
        stderr.println("drainwatch: backtest failed: " + failure);
        stderr.flush();
        return RUN_FAILED;
    }

    private static int report(Backtest.Outcome outcome, PrintWriter stdout) {
        BacktestReport report = outcome.report();
        stdout.printf(
                "blocks   %d..%d (%,d) of chain %d in %.1f s%n",
                report.run().fromBlock(),
                report.run().toBlock(),
                report.run().blocks(),
                report.run().chainId(),
                report.run().seconds());
        stdout.printf(
                "alerts   %d%s%n",
                report.alerts().total(),
                report.alerts().byRule().isEmpty()
                        ? ""
                        : report.alerts().byRule().entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ", " (", ")")));
        stdout.printf(
                "incidents %d, wallets paged %d%n",
                report.incidents().size(), report.pagedWallets().size());
        if (report.truth() != null) {
            BacktestReport.TruthFigures t = report.truth();
            stdout.printf(
                    Locale.ROOT,
                    "truth    recall %s (%d of %d victims), median delay %s blocks, false pages %d%n",
                    t.recall() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", t.recall() * 100),
                    t.victimsPaged(),
                    t.victims(),
                    t.medianDelayBlocks() == null
                            ? "n/a"
                            : t.medianDelayBlocks().toString(),
                    t.falsePages().size());
        }
        stdout.printf("report   %s%n         %s%n", outcome.html(), outcome.json());
        stdout.flush();
        return 0;
    }
}
