package io.drainwatch.detector.chaos;

import io.drainwatch.detector.opstest.ExternalProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;

/**
 * The faults of a disturbed run, planned from the seed: {@code perKind} of every {@link Kind} at random
 * blocks of the scenario. Before each block the run ends the faults that are due (a killed role started
 * again, a broker or Alertmanager back) and begins those planned there. A fault of a kind begins only
 * when the previous one of that kind has ended (one broker down at a time keeps the cluster's quorum and
 * {@code min.insync.replicas}; one detector down at a time leaves its tasks a standby to move to), and
 * waits for the next block otherwise. Each fault lasts one to three blocks; the chain node's pause and
 * restart happen between two blocks, since nothing can be mined while the node is down.
 */
final class Faults {
    /** The kinds of fault, by the name the summary prints. */
    enum Kind {
        DETECTOR_KILL("detector-kill"),
        INGESTOR_KILL("ingestor-kill"),
        RELAY_KILL("relay-kill"),
        BROKER_RESTART("broker-restart"),
        CHAIN_PAUSE("chain-pause"),
        CHAIN_RESTART("chain-restart"),
        ALERTMANAGER_DOWN("alertmanager-down");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private record Planned(int block, Kind kind) {}

    private final ChaosRun run;
    private final EmbeddedNodes brokers;
    private final SplittableRandom random;
    private final List<Planned> plan;
    private final Map<Kind, Integer> endsAt = new EnumMap<>(Kind.class);
    private final Map<Kind, Runnable> endings = new EnumMap<>(Kind.class);
    private final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
    private final List<String> log = new ArrayList<>();
    private int next;

    /** Stops and starts the cluster's nodes (0-based ids). */
    interface EmbeddedNodes {
        int count();

        void stop(int node);

        void start(int node);
    }

    Faults(ChaosRun run, EmbeddedNodes brokers, long seed, int perKind, int blocks) {
        this.run = run;
        this.brokers = brokers;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Planned> planned = new ArrayList<>();
        int last = Math.max(2, blocks - 1);
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < perKind; i++) {
                planned.add(new Planned(1 + random.nextInt(last - 1), kind));
            }
            injected.put(kind, 0);
        }
        planned.sort((a, b) -> a.block() != b.block()
                ? Integer.compare(a.block(), b.block())
                : a.kind().compareTo(b.kind()));
        this.plan = planned;
    }

    /** No faults: the undisturbed run. */
    static Faults none(ChaosRun run) {
        return new Faults(run, null, 0, 0, 0);
    }

    /** Ends the faults due before {@code block} and begins those planned there (or postponed to it). */
    void before(int block) {
        for (Kind kind : Kind.values()) {
            Integer end = endsAt.get(kind);
            if (end != null && end <= block) {
                end(kind);
            }
        }
        List<Planned> postponed = new ArrayList<>();
        while (next < plan.size() && plan.get(next).block() <= block) {
            Planned p = plan.get(next++);
            if (endsAt.containsKey(p.kind())) {
                postponed.add(new Planned(block + 1, p.kind()));
            } else {
                begin(p.kind(), block);
            }
        }
        if (!postponed.isEmpty()) {
            plan.addAll(next, postponed);
        }
    }

    /** Ends every fault still running, then begins, one by one, those planned beyond the last block. */
    void finish(int block) {
        int b = block;
        while (next < plan.size() || !endsAt.isEmpty()) {
            before(b++);
            endsAt.keySet().stream().toList().forEach(this::end);
        }
    }

    private void begin(Kind kind, int block) {
        int lasts = 1 + random.nextInt(3);
        String what = switch (kind) {
            case DETECTOR_KILL -> {
                int instance = random.nextInt(run.detectors().size());
                ExternalProcess detector = run.detectors().get(instance);
                detector.kill();
                endings.put(kind, () -> {
                    detector.restart();
                    detector.awaitAnswer("/ready", Duration.ofMinutes(2));
                });
                yield "detector " + instance + " killed";
            }
            case INGESTOR_KILL -> restartLater(kind, run.ingestor(), "ingestor killed");
            case RELAY_KILL -> restartLater(kind, run.relay(), "relay killed");
            case BROKER_RESTART -> {
                String target = brokerTarget(injected.get(kind));
                int node = Integer.parseInt(target.substring(target.lastIndexOf(' ') + 1));
                brokers.stop(node);
                endings.put(kind, () -> brokers.start(node));
                yield target + " stopped";
            }
            case CHAIN_PAUSE -> {
                Duration paused = Duration.ofMillis(1000 + random.nextInt(3000));
                run.anvil().pause();
                ChaosRun.sleep(paused);
                run.anvil().resume();
                lasts = 0;
                yield "chain node paused for " + paused.toMillis() + " ms";
            }
            case CHAIN_RESTART -> {
                run.anvil().stop();
                run.anvil().startProcess();
                lasts = 0;
                yield "chain node restarted";
            }
            case ALERTMANAGER_DOWN -> {
                ExternalProcess alertmanager = run.alertmanager();
                alertmanager.close();
                endings.put(kind, alertmanager::restart);
                yield "alertmanager stopped";
            }
        };
        injected.merge(kind, 1, Integer::sum);
        log.add(String.format(Locale.ROOT, "block %d: %s (%s)", block, kind.label, what));
        if (lasts > 0) {
            endsAt.put(kind, block + lasts);
        }
    }

    private String restartLater(Kind kind, ExternalProcess process, String what) {
        process.kill();
        endings.put(kind, process::restart);
        return what;
    }

    private void end(Kind kind) {
        endsAt.remove(kind);
        Runnable ending = endings.remove(kind);
        if (ending != null) {
            ending.run();
        }
    }

    /**
     * The broker the {@code n}th broker fault stops, in turn: the leader of a partition of the alerts
     * topic, the transaction coordinator of a detector's transactional id, any node. Described as
     * {@code "<why> <node>"}.
     */
    private String brokerTarget(int n) {
        try (Admin admin = run.admin()) {
            if (n % 3 == 0) {
                int partition = random.nextInt(ChaosRun.PARTITIONS);
                String alerts = run.topics().alerts();
                int leader = admin.describeTopics(List.of(alerts))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(alerts)
                        .partitions()
                        .get(partition)
                        .leader()
                        .id();
                return "broker leading " + alerts + "-" + partition + ", node " + leader;
            }
            if (n % 3 == 1) {
                List<String> ids = admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                        .map(TransactionListing::transactionalId)
                        .filter(id -> id.startsWith(run.applicationId() + "-"))
                        .sorted()
                        .toList();
                if (!ids.isEmpty()) {
                    String id = ids.get(random.nextInt(ids.size()));
                    TransactionDescription description = admin.describeTransactions(List.of(id))
                            .description(id)
                            .get(30, TimeUnit.SECONDS);
                    return "transaction coordinator of " + id + ", node " + description.coordinatorId();
                }
            }
            return "broker, node " + random.nextInt(brokers.count());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot choose a broker to stop", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Faults injected, per kind. */
    Map<Kind, Integer> injected() {
        return injected;
    }

    /** Faults injected in all. */
    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** {@code kind=count} for every kind, in the order of {@link Kind}. */
    String perKind() {
        return injected.entrySet().stream()
                .map(e -> e.getKey().label + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** One line per fault: the block before which it began, its kind, and what it did. */
    List<String> log() {
        return log;
    }
}
