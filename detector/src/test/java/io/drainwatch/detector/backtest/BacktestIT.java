package io.drainwatch.detector.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.chain.DevChain;
import io.drainwatch.detector.cli.Drainwatch;
import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * {@code drainwatch backtest} on a real chain: anvil plays a sweep of six custodial wallets (three to one
 * attacker address, three to fresh addresses each) among benign traffic (funding from the custodian's hot
 * wallet, a consolidation back to it, a small withdrawal, payments between outsiders), then the command runs
 * in-process over those blocks with wallet, allowlist and price files and a truth file. The report's figures
 * must be those of the alerts and incidents the detector wrote, and of the truth; and the HTML page, rendered
 * by a real headless Chromium, must show them.
 */
class BacktestIT {
    private static final long CHAIN = AnvilNode.CHAIN_ID;
    private static final BigInteger ONE_ETH = DevChain.ETHER;

    private static AnvilNode anvil;
    private static Path dir;
    private static long fromBlock;
    private static long toBlock;
    private static int exitCode;
    private static String stdout;
    private static String stderr;
    private static double seconds;
    private static String afterRange;
    private static final List<Victim> VICTIMS = new ArrayList<>();
    private static final Map<String, String> GROUP_OF = new LinkedHashMap<>();

    @BeforeAll
    static void playTheAttackAndRunTheBacktest() throws Exception {
        dir = Files.createTempDirectory("backtest-it");
        anvil = AnvilNode.start();
        // strictly increasing block times, so every evidence time names one block
        anvil.call("anvil_setBlockTimestampInterval", 2);
        DevChain chain = new DevChain(anvil);
        Credentials hot = DevChain.dev(0);
        Credentials attacker = DevChain.fresh();
        List<Credentials> retail = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            retail.add(DevChain.fresh());
        }
        List<Credentials> treasury = List.of(DevChain.fresh(), DevChain.fresh());
        retail.forEach(c -> GROUP_OF.put(DevChain.address(c), "retail"));
        treasury.forEach(c -> GROUP_OF.put(DevChain.address(c), "treasury"));

        fromBlock = anvil.blockNumber() + 1;
        for (Credentials w : retail) {
            chain.transferEth(hot, DevChain.address(w), ONE_ETH);
        }
        for (Credentials w : treasury) {
            chain.transferEth(hot, DevChain.address(w), ONE_ETH.multiply(BigInteger.TWO));
        }
        // benign: outsiders paying each other, a small withdrawal, a consolidation to the hot wallet
        chain.transferEth(DevChain.dev(1), DevChain.address(DevChain.dev(2)), ONE_ETH);
        chain.transferEth(retail.get(7), DevChain.address(DevChain.fresh()), ONE_ETH.divide(BigInteger.TEN));
        sweep(chain, treasury.get(0), DevChain.address(hot));
        // the attack: three wallets to the attacker, three to a fresh address each
        for (int i = 0; i < 6; i++) {
            String to = i < 3 ? DevChain.address(attacker) : DevChain.address(DevChain.fresh());
            long block = sweep(chain, retail.get(i), to);
            VICTIMS.add(new Victim(CHAIN, DevChain.address(retail.get(i)), block));
        }
        chain.transferEth(DevChain.dev(2), DevChain.address(DevChain.dev(3)), ONE_ETH);
        toBlock = anvil.blockNumber();
        // after the range: a sweep the backtest must not see
        afterRange = DevChain.address(retail.get(6));
        sweep(chain, retail.get(6), DevChain.address(DevChain.fresh()));
        chain.transferEth(DevChain.dev(3), DevChain.address(DevChain.dev(4)), ONE_ETH);

        Path wallets = write(
                "wallets.csv",
                "chain_id,address,custody_group\n"
                        + GROUP_OF.entrySet().stream()
                                .map(e -> CHAIN + "," + e.getKey() + "," + e.getValue() + "\n")
                                .collect(Collectors.joining()));
        Path allowlist = write(
                "allowlist.csv",
                "chain_id,address,custody_group,kind,note\n" + CHAIN + "," + DevChain.address(hot)
                        + ",*,own-hot,funding wallet\n");
        Path prices =
                write("prices.csv", "chain_id,asset,usd_price,decimals,symbol\n" + CHAIN + ",native,3000,18,ETH\n");
        Path truth = write(
                "truth.csv",
                "chain_id,address,first_block\n"
                        + VICTIMS.stream()
                                .map(v -> v.chainId() + "," + v.address() + "," + v.firstBlock() + "\n")
                                .collect(Collectors.joining()));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Drainwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        long began = System.nanoTime();
        exitCode = cli.execute(
                "backtest",
                "--rpc-url",
                anvil.httpUrl().uri().toString(),
                "--chain-id",
                Long.toString(CHAIN),
                "--from-block",
                Long.toString(fromBlock),
                "--to-block",
                Long.toString(toBlock),
                "--wallets",
                wallets.toString(),
                "--allowlist",
                allowlist.toString(),
                "--prices",
                prices.toString(),
                "--truth",
                truth.toString(),
                "--set",
                "kafka.num.stream.threads=1",
                "--out",
                dir.resolve("report").toString(),
                "--data-dir",
                dir.resolve("data").toString());
        seconds = (System.nanoTime() - began) / 1e9;
        stdout = out.toString();
        stderr = err.toString();
        System.out.printf(
                "backtest of blocks %d..%d took %.1f s, exit %d%n%s%n%s%n",
                fromBlock, toBlock, seconds, exitCode, stdout, stderr);
    }

    @AfterAll
    static void stop() throws IOException {
        if (anvil != null) {
            anvil.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Sends the wallet's whole balance less the fee; returns the block it landed in. */
    private static long sweep(DevChain chain, Credentials from, String to) {
        BigInteger balance = new BigInteger(
                anvil.call("eth_getBalance", DevChain.address(from), "latest")
                        .asText()
                        .substring(2),
                16);
        BigInteger fee = DevChain.GAS_PRICE.multiply(BigInteger.valueOf(21_000));
        var receipt = chain.transferEth(from, to, balance.subtract(fee));
        return Long.parseLong(receipt.get("blockNumber").asText().substring(2), 16);
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void theReportsFiguresAreThoseTheDetectorWroteAndTheTruthSays() throws Exception {
        assertThat(exitCode).as("exit code; stderr:\n%s", stderr).isZero();
        BacktestReport report = ReportJson.parse(Files.readString(dir.resolve("report/report.json")));
        Written written = readBack();

        assertThat(report.run().fromBlock()).isEqualTo(fromBlock);
        assertThat(report.run().toBlock()).isEqualTo(toBlock);
        assertThat(report.run().blocks()).isEqualTo(toBlock - fromBlock + 1);

        Map<String, Integer> byRule = new TreeMap<>();
        written.alertsById().values().forEach(a -> byRule.merge(a.get(0).getRule(), 1, Integer::sum));
        assertThat(report.alerts().byRule()).as("alerts by rule").isEqualTo(byRule);
        assertThat(report.alerts().total()).isEqualTo(written.alertsById().size());
        Map<String, Integer> byGroup = new TreeMap<>();
        written.alertsById().values().forEach(a -> byGroup.merge(a.get(0).getCustodyGroup(), 1, Integer::sum));
        assertThat(report.alerts().byGroup()).as("alerts by custody group").isEqualTo(byGroup);

        Set<String> paged = new HashSet<>();
        written.alertsById().values().stream()
                .flatMap(List::stream)
                .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0)
                .forEach(a -> paged.addAll(a.getWallets()));
        written.incidents().forEach(i -> paged.addAll(i.getWallets()));
        assertThat(report.pagedWallets())
                .extracting(BacktestReport.PagedWallet::address)
                .as("wallets with a high or critical alert or in an incident")
                .containsExactlyInAnyOrderElementsOf(paged);

        Set<String> victims = VICTIMS.stream().map(Victim::address).collect(Collectors.toSet());
        BacktestReport.TruthFigures truth = report.truth();
        assertThat(truth).isNotNull();
        assertThat(truth.victims()).isEqualTo(6);
        assertThat(truth.victimsPaged())
                .isEqualTo((int) victims.stream().filter(paged::contains).count());
        assertThat(truth.recall()).as("recall").isEqualTo(1.0);
        assertThat(truth.falsePages())
                .extracting(BacktestReport.PagedWallet::address)
                .as("false pages")
                .containsExactlyInAnyOrderElementsOf(
                        paged.stream().filter(w -> !victims.contains(w)).toList())
                .isEmpty();
        for (BacktestReport.VictimOutcome o : truth.outcomes()) {
            long firstHighAlert = written.alertsById().values().stream()
                    .flatMap(List::stream)
                    .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0
                            && a.getWallets().contains(o.address()))
                    .mapToLong(DrainAlert::getLastBlock)
                    .min()
                    .orElseThrow();
            // the incident opens after the sweeps' own alerts here, so each victim's first page is its first
            // high or critical alert version naming it, never before its own outflow
            assertThat(o.pagedAtBlock()).as("first page of %s", o.address()).isEqualTo(firstHighAlert);
            assertThat(o.delayBlocks())
                    .isEqualTo(o.pagedAtBlock() - o.firstBlock())
                    .isNotNegative();
        }
        assertThat(report.incidents())
                .as("one incident, in the attacked group")
                .extracting(BacktestReport.IncidentTimeline::custodyGroup)
                .containsExactly("retail");
        assertThat(stdout).contains("recall 100.0% (6 of 6 victims)", "false pages 0");
        assertThat(written.lastHead()).as("last block ingested").isEqualTo(toBlock);
        assertThat(written.alertsById().values().stream().flatMap(List::stream))
                .as("alerts on blocks of the range only")
                .allSatisfy(a -> assertThat(a.getLastBlock()).isLessThanOrEqualTo(toBlock));
        assertThat(report.pagedWallets())
                .extracting(BacktestReport.PagedWallet::address)
                .as("the wallet swept after --to-block")
                .doesNotContain(afterRange);
        assertThat(stderr).contains("backtest: blocks " + (toBlock - fromBlock + 1) + "/" + (toBlock - fromBlock + 1));
        System.out.printf(
                "measured: blocks=%d seconds=%.1f alerts=%d byRule=%s paged=%d recall=%s falsePages=%d medianDelay=%s%n",
                report.run().blocks(),
                seconds,
                report.alerts().total(),
                report.alerts().byRule(),
                report.pagedWallets().size(),
                truth.recall(),
                truth.falsePages().size(),
                truth.medianDelayBlocks());
    }

    @Test
    void lastCountsBackByBlockTimeFromTheLastBlock() {
        // blocks are 2 s apart: the last 10 s before --to-block are its five predecessors and itself
        assertThat(BlockRange.resolve(anvil.rpc(), null, toBlock, java.time.Duration.ofSeconds(10)))
                .isEqualTo(new BlockRange(toBlock - 5, toBlock));
        assertThat(BlockRange.resolve(anvil.rpc(), null, null, java.time.Duration.ofDays(1))
                        .from())
                .as("a duration longer than the chain starts at genesis")
                .isZero();
    }

    @Test
    void chromiumRendersTheRecallAndOneMarkPerAlertInEachGroupsChart() throws Exception {
        assertThat(exitCode).as("exit code; stderr:\n%s", stderr).isZero();
        Written written = readBack();
        Path html = dir.resolve("report/report.html");

        String dom = chromium("--dump-dom", html.toUri().toString());
        Matcher recall = Pattern.compile("id=\"recall\">([^<]*)<").matcher(dom);
        assertThat(recall.find()).as("recall figure in the DOM").isTrue();
        assertThat(recall.group(1)).isEqualTo("100.0%");
        Map<String, Long> alertsPerGroup = written.alertsById().values().stream()
                .collect(Collectors.groupingBy(a -> a.get(0).getCustodyGroup(), Collectors.counting()));
        assertThat(alertsPerGroup).containsKey("retail");
        for (String group : new java.util.TreeSet<>(GROUP_OF.values())) {
            assertThat(BacktestReportTest.marks(dom, group))
                    .as("alert marks in the chart of %s", group)
                    .isEqualTo(alertsPerGroup.getOrDefault(group, 0L).intValue());
        }

        Path screenshot = Path.of("target", "backtest-report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        chromium(
                "--screenshot=" + screenshot,
                "--window-size=1280,2000",
                html.toUri().toString());
        assertThat(screenshot).isNotEmptyFile();
        assertThat(Files.readAllBytes(screenshot)).startsWith(0x89, 'P', 'N', 'G');
    }

    /** What the detector wrote, read from the run's broker started again on its data folder. */
    private record Written(Map<String, List<DrainAlert>> alertsById, List<DrainIncident> incidents, long lastHead) {}

    private static Written readBack() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(
                EmbeddedKafka.Options.defaults().withDataDir(dir.resolve("data").resolve("kafka")))) {
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            List<DrainAlert> alerts =
                    Backtest.read(client, TopicCatalogue.defaults().alerts());
            List<DrainIncident> incidents =
                    Backtest.read(client, TopicCatalogue.defaults().incidents());
            Map<String, List<DrainAlert>> byId = new LinkedHashMap<>();
            alerts.forEach(a ->
                    byId.computeIfAbsent(a.getAlertId(), k -> new ArrayList<>()).add(a));
            assertThat(alerts).as("alerts on the topic").isNotEmpty();
            assertThat(alerts.stream().map(DrainAlert::getChainId)).containsOnly(CHAIN);
            assertThat(alerts.stream().flatMap(a -> a.getWallets().stream()))
                    .allSatisfy(w -> assertThat(w).isEqualTo(Addresses.normalize(w)));
            long lastHead = Backtest.read(client, TopicCatalogue.defaults().heads()).stream()
                    .mapToLong(BlockHead::getNumber)
                    .max()
                    .orElse(-1);
            return new Written(byId, incidents, lastHead);
        }
    }

    /** Runs headless Chromium on {@code args}; returns what it wrote to stdout (the DOM for --dump-dom). */
    private static String chromium(String... args) throws Exception {
        String binary = System.getenv("DW_TOOL_CHROMIUM");
        assertThat(binary)
                .as("DW_TOOL_CHROMIUM: run the tests with bin/test or source bin/tools/chromium.sh")
                .isNotBlank();
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path log = dir.resolve("chromium-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue())
                .as("chromium exit; its log:\n%s", Files.readString(log))
                .isZero();
        p.descendants().forEach(ProcessHandle::destroy);
        return new String(output, StandardCharsets.UTF_8);
    }
}
