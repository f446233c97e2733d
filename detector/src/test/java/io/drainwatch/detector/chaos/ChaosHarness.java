package io.drainwatch.detector.chaos;

import io.drainwatch.detector.embedded.EmbeddedKafka;
import io.drainwatch.detector.testing.KafkaReads;
import io.drainwatch.detector.topology.RunOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The seeded chaos harness: plays one {@link ChaosScenario} twice on real processes over a three-node
 * cluster, once undisturbed and once under {@link Faults}, and compares what the detectors wrote (read
 * committed) and what reached Alertmanager. {@code bin/chaos} runs it:
 *
 * <pre>
 *   bin/chaos                                  the default seed, 10 faults of every kind, 300 wallets
 *   bin/chaos --seed 7 --faults 3 --wallets 60
 * </pre>
 *
 * It prints what each fault did, the differences it found, and one summary line; it exits with 1 on any
 * lost, duplicated or differing alert or incident, on a dead letter, or on a page that did not reach
 * Alertmanager.
 */
public final class ChaosHarness {
    static final long DEFAULT_SEED = 20261205L;
    static final int DEFAULT_FAULTS = 10;
    static final int DEFAULT_WALLETS = 300;
    static final int DEFAULT_DETECTORS = 2;
    /** Wall-clock time between two blocks, so that faults meet work in flight. */
    private static final Duration PACE = Duration.ofMillis(250);
    /** How long Alertmanager may take to hold every page once the run has settled (the relay re-posts every 5 s). */
    private static final Duration PAGES_WITHIN = Duration.ofSeconds(90);

    /** What to play: the seed, faults of every kind, watched wallets, detector instances. */
    record Settings(long seed, int faultsPerKind, int wallets, int detectors) {}

    /**
     * The comparison of the two runs: the summary line, the lines that explain it (faults, differences),
     * and whether the disturbed run wrote and paged what the undisturbed one did.
     */
    record Result(String summary, List<String> details, boolean passed) {}

    /** A run's outcome, the pages it should have posted, and those Alertmanager held at the end. */
    private record Played(RunOutcome outcome, Set<String> expectedPages, Set<String> deliveredPages) {}

    private ChaosHarness() {}

    /**
     * Plays {@code settings} on {@code kafka} (three nodes, which the faults stop and start) with its
     * processes' logs and state under {@code work}; {@code progress} receives a line per step.
     */
    static Result run(EmbeddedKafka kafka, Path work, Settings settings, Consumer<String> progress) {
        long began = System.nanoTime();
        ChaosScenario scenario = ChaosScenario.generate(settings.seed(), settings.wallets());
        long genesis = Instant.now().getEpochSecond();
        progress.accept(String.format(
                Locale.ROOT,
                "scenario seed=%d wallets=%d victims=%d destinations=%d blocks=%d transactions=%d",
                settings.seed(),
                settings.wallets(),
                scenario.victims(),
                scenario.destinations(),
                scenario.blocks().size(),
                scenario.transactions()));
        Faults.EmbeddedNodes nodes = new Faults.EmbeddedNodes() {
            @Override
            public int count() {
                return kafka.nodeCount();
            }

            @Override
            public void stop(int node) {
                kafka.stopNode(node);
            }

            @Override
            public void start(int node) {
                kafka.startNode(node);
            }
        };
        try (Admin admin = Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            KafkaReads reads = new KafkaReads(kafka.bootstrapServers(), admin);
            String tag = Long.toString(settings.seed(), 36);
            long t = System.nanoTime();
            Played undisturbed = play(
                    new ChaosRun("undisturbed-" + tag, kafka.bootstrapServers(), reads, work),
                    scenario,
                    genesis,
                    settings,
                    run -> Faults.none(run));
            progress.accept(String.format(Locale.ROOT, "undisturbed run took %.0f s", seconds(t)));
            Faults[] faults = new Faults[1];
            t = System.nanoTime();
            Played disturbed = play(
                    new ChaosRun("disturbed-" + tag, kafka.bootstrapServers(), reads, work),
                    scenario,
                    genesis,
                    settings,
                    run -> faults[0] = new Faults(
                            run,
                            nodes,
                            settings.seed(),
                            settings.faultsPerKind(),
                            scenario.blocks().size()));
            progress.accept(String.format(Locale.ROOT, "disturbed run took %.0f s", seconds(t)));
            faults[0].log().forEach(line -> progress.accept("fault " + line));
            return compare(scenario, faults[0], undisturbed, disturbed, began);
        }
    }

    private static Played play(
            ChaosRun run,
            ChaosScenario scenario,
            long genesis,
            Settings settings,
            java.util.function.Function<ChaosRun, Faults> faultsOf) {
        try (run) {
            run.start(scenario, genesis, settings.detectors());
            Faults faults = faultsOf.apply(run);
            List<List<ChaosScenario.Tx>> blocks = scenario.blocks();
            for (int i = 0; i < blocks.size(); i++) {
                faults.before(i);
                run.mine(blocks.get(i), genesis + ChaosScenario.BLOCK_SECONDS * (i + 1));
                ChaosRun.sleep(PACE);
            }
            faults.finish(blocks.size());
            run.awaitSettled(run.anvil().blockNumber());
            RunOutcome outcome = run.outcome();
            Set<String> expected = run.expectedPages();
            Set<String> delivered = run.awaitPages(expected, PAGES_WITHIN);
            return new Played(outcome, expected, delivered);
        }
    }

    private static Result compare(
            ChaosScenario scenario, Faults faults, Played undisturbed, Played disturbed, long began) {
        RunOutcome u = undisturbed.outcome();
        RunOutcome d = disturbed.outcome();
        List<String> details = new ArrayList<>();
        Map<String, Integer> uFiring = u.firingPerAlert();
        Map<String, Integer> dFiring = d.firingPerAlert();
        Set<String> lost = new TreeSet<>(RunOutcome.difference(uFiring.keySet(), dFiring.keySet()));
        Set<String> extra = RunOutcome.difference(dFiring.keySet(), uFiring.keySet());
        Set<String> duplicated = new TreeSet<>();
        d.firingPerAlert().forEach((id, firing) -> {
            if (firing > 1) {
                duplicated.add(id + " (FIRING " + firing + " times)");
            }
        });
        u.firingPerAlert().forEach((id, firing) -> {
            if (firing != 1) {
                duplicated.add(id + " (undisturbed, FIRING " + firing + " times)");
            }
        });
        Set<String> differing = new TreeSet<>();
        extra.forEach(id -> differing.add(id + ": only in the disturbed run"));
        differences("severity", u.finalSeverity(), d.finalSeverity(), differing);
        differences("incident", u.alertIncident(), d.alertIncident(), differing);
        u.incidentWallets().forEach((id, wallets) -> {
            Set<String> other = d.incidentWallets().get(id);
            int drained = u.walletsDrained().get(id);
            int otherDrained = d.walletsDrained().getOrDefault(id, -1);
            if (other == null) {
                lost.add("incident " + id);
            } else if (drained != otherDrained) {
                differing.add("incident " + id + ": " + drained + " wallets drained undisturbed, " + otherDrained
                        + " disturbed");
            } else if (wallets.size() == drained && !other.equals(wallets)) {
                // Past the cap the record lists the newest wallets in arrival order: compared only when complete.
                differing.add("incident " + id + ": members only undisturbed "
                        + RunOutcome.difference(wallets, other) + ", only disturbed "
                        + RunOutcome.difference(other, wallets));
            }
        });
        RunOutcome.difference(d.incidentWallets().keySet(), u.incidentWallets().keySet())
                .forEach(id -> differing.add("incident " + id + ": only in the disturbed run"));
        Set<String> undelivered = new TreeSet<>();
        RunOutcome.difference(disturbed.expectedPages(), disturbed.deliveredPages())
                .forEach(p -> undelivered.add(p + " (disturbed)"));
        RunOutcome.difference(undisturbed.expectedPages(), undisturbed.deliveredPages())
                .forEach(p -> undelivered.add(p + " (undisturbed)"));
        int deadLetters = u.deadLetters().size() + d.deadLetters().size();

        lost.forEach(x -> details.add("lost " + x));
        duplicated.forEach(x -> details.add("duplicated " + x));
        differing.forEach(x -> details.add("differing " + x));
        undelivered.forEach(x -> details.add("undelivered page " + x));
        u.deadLetters().forEach(x -> details.add("dead letter (undisturbed) " + x));
        d.deadLetters().forEach(x -> details.add("dead letter (disturbed) " + x));
        details.add(String.format(
                Locale.ROOT,
                "undisturbed: %d alerts, %d incidents, pages delivered %d/%d",
                u.firingPerAlert().size(),
                u.incidentWallets().size(),
                count(undisturbed.expectedPages(), undisturbed.deliveredPages()),
                undisturbed.expectedPages().size()));

        String summary = String.format(
                Locale.ROOT,
                "chaos seed=%d wallets=%d blocks=%d transactions=%d faults=%d (%s) alert-ids-compared=%d"
                        + " incidents-compared=%d lost=%d duplicated=%d differing=%d pages-delivered=%d/%d"
                        + " dead-letters=%d took=%.0fs",
                scenario.seed(),
                scenario.fleet().size(),
                scenario.blocks().size(),
                scenario.transactions(),
                faults.total(),
                faults.perKind(),
                uFiring.size(),
                u.incidentWallets().size(),
                lost.size(),
                duplicated.size(),
                differing.size(),
                count(disturbed.expectedPages(), disturbed.deliveredPages()),
                disturbed.expectedPages().size(),
                deadLetters,
                seconds(began));
        boolean passed = lost.isEmpty()
                && duplicated.isEmpty()
                && differing.isEmpty()
                && undelivered.isEmpty()
                && deadLetters == 0
                && !uFiring.isEmpty()
                && !u.incidentWallets().isEmpty();
        if (uFiring.isEmpty() || u.incidentWallets().isEmpty()) {
            details.add("the undisturbed run wrote no alert or no incident: nothing was compared");
        }
        return new Result(summary, details, passed);
    }

    /** Adds to {@code differing} each alert id that both runs wrote with another {@code what}. */
    private static void differences(
            String what, Map<String, String> undisturbed, Map<String, String> disturbed, Set<String> differing) {
        undisturbed.forEach((id, value) -> {
            String then = disturbed.get(id);
            if (then != null && !then.equals(value)) {
                differing.add(id + ": " + what + " '" + value + "' undisturbed, '" + then + "' disturbed");
            }
        });
    }

    private static int count(Set<String> expected, Set<String> delivered) {
        return (int) expected.stream().filter(delivered::contains).count();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** {@code bin/chaos [--seed N] [--faults K] [--wallets W] [--detectors D] [--work DIR]}. */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: bin/chaos [--seed N] [--faults K (of every kind)] [--wallets W]"
                        + " [--detectors 2|3] [--work DIR]");
                System.exit(2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        Settings settings = new Settings(
                Long.parseLong(options.getOrDefault("seed", Long.toString(DEFAULT_SEED))),
                Integer.parseInt(options.getOrDefault("faults", Integer.toString(DEFAULT_FAULTS))),
                Integer.parseInt(options.getOrDefault("wallets", Integer.toString(DEFAULT_WALLETS))),
                Integer.parseInt(options.getOrDefault("detectors", Integer.toString(DEFAULT_DETECTORS))));
        Path work = Path.of(Objects.requireNonNullElse(
                options.get("work"), "detector/target/chaos/" + settings.seed() + "-" + System.currentTimeMillis()));
        Files.createDirectories(work);
        System.out.println("chaos: processes' logs and state under " + work.toAbsolutePath());
        Result result;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(
                EmbeddedKafka.Options.defaults().withNodes(3).withBrokerConfig("min.insync.replicas", "2"))) {
            result = run(kafka, work, settings, line -> System.out.println("chaos: " + line));
        }
        result.details().forEach(line -> System.out.println("chaos: " + line));
        System.out.println(result.summary());
        System.exit(result.passed() ? 0 : 1);
    }
}
