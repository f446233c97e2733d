package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topology.ScenarioPlayer.Run;
import io.drainwatch.schemas.TransferEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out under faults on a three-node cluster (replication factor 3, {@code min.insync.replicas} 2,
 * transaction state replicated): a seeded mass sweep played block by block through one detector, then
 * again through two instances of the same application with standby replicas: the first a process of the
 * packaged jar, the second joining in this JVM a quarter of the way in, the first killed outright
 * (SIGKILL, its transaction left open) at three quarters, and between them the broker leading the alerts
 * topic's first partition stopped and started again. The disturbed run must write what the
 * undisturbed one wrote: the same alert ids, each FIRING once, the same severities and the same incident
 * membership. The scenario is written block by block with a progress tick after each, as the ingestor
 * writes it, so coordinated-sweep judges its payments in block order and its ids compare exactly too.
 */
class ScaleOutIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            KafkaClusterExtension.nodes(3).withBrokerConfig("min.insync.replicas", "2");

    private static final long SEED = 20261205L;
    private static final int PARTITIONS = 4;

    private final ScenarioPlayer player = new ScenarioPlayer(KAFKA);

    @TempDir
    Path stateDir;

    @Test
    void twoInstancesJoiningAndLeavingAcrossABrokerRestartWriteWhatOneUndisturbedInstanceWrites() throws Exception {
        SweepScenario scenario = SweepScenario.generate(SweepRun.START, SweepScenario.Parameters.attack(SEED, 12));
        List<List<TransferEvent>> blocks = ScenarioPlayer.blocks(scenario.events());
        // A killed member is noticed after its session timeout: 6 s, the broker's least, not the default 45 s.
        Map<String, String> scaleOut = Map.of(
                "kafka.num.standby.replicas", "1",
                "kafka.session.timeout.ms", "6000",
                "kafka.heartbeat.interval.ms", "1000");

        Run alone = player.prepare("alone", scenario, PARTITIONS, (short) 3, stateDir, scaleOut);
        try (KafkaProducer<byte[], byte[]> producer = player.producer();
                Detector detector = ScenarioPlayer.start(alone.config())) {
            blocks.forEach(block -> ScenarioPlayer.writeBlock(producer, alone.topics(), block));
            player.awaitCaughtUp(alone.applicationId());
        }
        RunOutcome undisturbed = player.outcome(alone);

        Run scaled = player.prepare("scaled", scenario, PARTITIONS, (short) 3, stateDir, scaleOut);
        int joins = blocks.size() / 4;
        int brokerStops = blocks.size() / 2;
        int brokerStarts = blocks.size() * 5 / 8;
        int kills = blocks.size() * 3 / 4;
        List<String> faults = new ArrayList<>();
        Detector second = null;
        int stopped = -1;
        try (ExternalProcess first = detectProcess(scaled);
                KafkaProducer<byte[], byte[]> producer = player.producer()) {
            for (int i = 0; i < blocks.size(); i++) {
                if (i == joins) {
                    second = ScenarioPlayer.start(
                            scaled.instance(stateDir.resolve("scaled-second")).config());
                    faults.add("second instance joined before block " + i);
                }
                if (i == brokerStops) {
                    stopped = leaderOf(scaled.topics().alerts());
                    KAFKA.cluster().stopNode(stopped);
                    faults.add("broker " + stopped + " (alerts leader) stopped before block " + i);
                }
                if (i == brokerStarts) {
                    KAFKA.cluster().startNode(stopped);
                    faults.add("broker " + stopped + " started before block " + i);
                }
                if (i == kills) {
                    first.kill();
                    faults.add("first instance killed (SIGKILL) before block " + i);
                }
                ScenarioPlayer.writeBlock(producer, scaled.topics(), blocks.get(i));
            }
            player.awaitCaughtUp(scaled.applicationId());
            long caughtUp = System.nanoTime();
            player.awaitNoOpenTransaction(scaled.applicationId());
            faults.add(String.format(
                    Locale.ROOT,
                    "the killed instance's transaction ended %.1fs after the survivor caught up",
                    (System.nanoTime() - caughtUp) / 1e9));
        } finally {
            if (second != null) {
                second.close();
            }
        }
        RunOutcome disturbed = player.outcome(scaled);

        System.out.printf(
                "scale-out seed=%d blocks=%d faults=%s alerts=%d/%d incidents=%d/%d%n",
                SEED,
                blocks.size(),
                faults,
                undisturbed.firingPerAlert().size(),
                disturbed.firingPerAlert().size(),
                undisturbed.incidentWallets().size(),
                disturbed.incidentWallets().size());
        assertThat(faults).hasSize(5);
        assertThat(undisturbed.deadLetters()).as("dead letters, undisturbed").isEmpty();
        assertThat(disturbed.deadLetters())
                .as("dead letters: a record a fault made fail is processed again, never dead-lettered")
                .isEmpty();
        assertThat(undisturbed.firingPerAlert()).isNotEmpty();
        assertThat(undisturbed.incidentWallets()).isNotEmpty();
        assertThat(disturbed.firingPerAlert().values())
                .as("each alert fired once")
                .containsOnly(1);
        System.out.printf(
                "scale-out alert ids only undisturbed=%s only disturbed=%s%n",
                RunOutcome.difference(
                        undisturbed.firingPerAlert().keySet(),
                        disturbed.firingPerAlert().keySet()),
                RunOutcome.difference(
                        disturbed.firingPerAlert().keySet(),
                        undisturbed.firingPerAlert().keySet()));
        assertThat(disturbed.firingPerAlert()).isEqualTo(undisturbed.firingPerAlert());
        assertThat(disturbed.finalSeverity()).isEqualTo(undisturbed.finalSeverity());
        assertThat(disturbed.incidentWallets()).isEqualTo(undisturbed.incidentWallets());
    }

    /**
     * {@code drainwatch detect} from the packaged jar with {@code run}'s settings, in a JVM of its own so
     * that it can be killed outright; returns once it is ready (its Kafka Streams client RUNNING).
     */
    private ExternalProcess detectProcess(Run run) {
        ExternalProcess process =
                ExternalProcess.detect("scale-out-first-detector", stateDir, KAFKA.bootstrapServers(), run.settings());
        process.awaitAnswer("/ready", Duration.ofSeconds(90));
        return process;
    }

    private static int leaderOf(String topic) throws Exception {
        TopicDescription description = KAFKA.admin()
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        return description.partitions().get(0).leader().id();
    }
}
