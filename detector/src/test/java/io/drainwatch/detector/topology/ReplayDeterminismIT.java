package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topology.ScenarioPlayer.Run;
import io.drainwatch.schemas.TransferEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One seeded mass sweep played three ways through the real detector on a real broker: all at once after
 * the chain was written (a backfill, in which the partition of the attacker's gas top-ups lags the others),
 * block by block as at the tip, and block by block with the detector stopped at two random blocks and
 * restarted. The three must write the same alerts and incidents.
 */
class ReplayDeterminismIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final long SEED = 20261204L;

    private final ScenarioPlayer player = new ScenarioPlayer(KAFKA);

    @TempDir
    Path stateDir;

    @Test
    void backfillTipAndRestartsWriteTheSameAlertsAndIncidents() {
        SweepScenario scenario = SweepScenario.generate(SweepRun.START, SweepScenario.Parameters.attack(SEED, 12));
        List<List<TransferEvent>> blocks = ScenarioPlayer.blocks(scenario.events());

        RunOutcome backfill = play("backfill", scenario, blocks, Set.of(), true);
        RunOutcome tip = play("tip", scenario, blocks, Set.of(), false);
        Random random = new Random(SEED);
        Set<Integer> stops = new TreeSet<>();
        while (stops.size() < 2) {
            stops.add(1 + random.nextInt(blocks.size() - 1));
        }
        RunOutcome restarted = play("restarts", scenario, blocks, stops, false);

        System.out.printf(
                "replay-determinism seed=%d blocks=%d events=%d stops=%s alerts=%d/%d/%d incidents=%d/%d/%d%n",
                SEED,
                blocks.size(),
                scenario.events().size(),
                stops,
                backfill.firingPerAlert().size(),
                tip.firingPerAlert().size(),
                restarted.firingPerAlert().size(),
                backfill.incidentWallets().size(),
                tip.incidentWallets().size(),
                restarted.incidentWallets().size());
        assertThat(backfill.firingPerAlert()).isNotEmpty();
        for (RunOutcome o : List.of(backfill, tip, restarted)) {
            assertThat(o.deadLetters()).as("dead letters").isEmpty();
        }
        assertThat(tip.firingPerAlert().keySet()).anyMatch(id -> id.startsWith("gas-topup-sweep:"));
        assertThat(backfill.firingPerAlert().values())
                .as("each alert fired once")
                .containsOnly(1);
        assertThat(tip.firingPerAlert()).as("block by block").isEqualTo(backfill.firingPerAlert());
        assertThat(restarted.firingPerAlert()).as("with restarts").isEqualTo(backfill.firingPerAlert());
        assertThat(tip.finalSeverity()).isEqualTo(backfill.finalSeverity());
        assertThat(restarted.finalSeverity()).isEqualTo(backfill.finalSeverity());
        assertThat(tip.incidentWallets()).isEqualTo(backfill.incidentWallets());
        assertThat(restarted.incidentWallets()).isEqualTo(backfill.incidentWallets());
    }

    private RunOutcome play(
            String name,
            SweepScenario scenario,
            List<List<TransferEvent>> blocks,
            Set<Integer> stops,
            boolean chainFirst) {
        Run run = player.prepare(name, scenario, 2, (short) 1, stateDir, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = player.producer()) {
            Detector detector = null;
            try {
                if (chainFirst) {
                    // A backfill: one input partition's task lags the others, modelled by delivering the
                    // attacker funder's top-ups (keyed by their sender) after every other transfer.
                    // As the ingestor's step does, a tick ahead of the events: the detector that starts on
                    // them must hold what comes before the last tick, whichever partition it reads first.
                    TransferEvent first = blocks.getFirst().getFirst();
                    ScenarioPlayer.tick(producer, run.topics(), first.getChainId(), first.getBlockNumber() - 1);
                    List<TransferEvent> lagging = new ArrayList<>();
                    for (List<TransferEvent> block : blocks) {
                        ScenarioPlayer.write(
                                producer,
                                run.topics(),
                                block.stream()
                                        .filter(e -> !e.getFrom().equals(scenario.funder()))
                                        .toList());
                        block.stream()
                                .filter(e -> e.getFrom().equals(scenario.funder()))
                                .forEach(lagging::add);
                    }
                    ScenarioPlayer.write(producer, run.topics(), lagging);
                    // only now is every transfer through the last block written
                    TransferEvent last = blocks.getLast().getLast();
                    ScenarioPlayer.tick(producer, run.topics(), last.getChainId(), last.getBlockNumber());
                    detector = ScenarioPlayer.start(run.config());
                } else {
                    detector = ScenarioPlayer.start(run.config());
                    for (int i = 0; i < blocks.size(); i++) {
                        if (stops.contains(i)) {
                            detector.close();
                            detector = ScenarioPlayer.start(run.config());
                        }
                        ScenarioPlayer.writeBlock(producer, run.topics(), blocks.get(i));
                    }
                }
                player.awaitCaughtUp(run.applicationId());
            } finally {
                if (detector != null) {
                    detector.close();
                }
            }
        }
        return player.outcome(run);
    }
}
