package io.drainwatch.detector.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's scenario end to end on a real broker and the real detector, with the detector killed
 * in the middle of the attack and started again on the same state: every victim is alerted once, the
 * mass sweep of small wallets is paged for every victim and its incident opens on its fifth, the
 * look-alikes and other benign traffic do not page, and the sanctioned payment is critical.
 */
class DemoIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    /** The detector is killed after this many wallets have been swept, and misses a few blocks while down. */
    private static final int STOP_AFTER_SWEEP = 40;

    private static final int BLOCKS_WHILE_DOWN = 4;

    @TempDir
    Path stateDir;

    @Test
    void everyVictimIsAlertedOnceTheMassSweepIncidentOpensByTheFifthAndLookAlikesDoNotPageAcrossAKill()
            throws Exception {
        Scenario scenario = Scenario.generate(ScenarioParameters.defaults());
        GroundTruth truth = scenario.truth();
        Topics topics = Topics.defaults();
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        Map<String, String> settings = new java.util.HashMap<>(DemoSettings.detectorSettings(stateDir, 0));
        // The restarted detector is a new group member: the broker only hands it the partitions once the
        // stopped one's session has expired, so keep that short (the broker's minimum).
        settings.put("kafka.session.timeout.ms", "6000");
        DetectorConfig config = DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
        Map<Integer, Instant> blockTimes = new ConcurrentHashMap<>();
        int stopAt = truth.blockOfSweep(STOP_AFTER_SWEEP) + 1;
        int restartAt = stopAt + BLOCKS_WHILE_DOWN;
        int end = scenario.blocks().size();

        Set<String> firedBeforeKill;
        try (ScenarioFeed feed = new ScenarioFeed(client, topics, Clock.systemUTC());
                AlertWatch watch = AlertWatch.start(client, topics, new AlertWatch.Listener() {})) {
            feed.writeReference(scenario);
            // The first detector runs in its own JVM, so that it can be killed outright (SIGKILL): no
            // close, no last commit, an open transaction left behind on the broker.
            Path log = Path.of("target", "DemoIT-killed-detector.log");
            Process first = detectorProcess(settings, log);
            try {
                feed.play(scenario, 0, stopAt, (block, time) -> blockTimes.put(block.index(), time));
                Set<String> sweptSoFar = truth.swept().subList(0, STOP_AFTER_SWEEP - 10).stream()
                        .map(GroundTruth.SweptWallet::address)
                        .collect(Collectors.toSet());
                await("alerts on the first swept wallets before the kill")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> alertedWallets(watch.alerts()).containsAll(sweptSoFar) || !first.isAlive());
                assertThat(first.isAlive())
                        .as(() -> "the detector process is running; its output:\n" + readQuietly(log))
                        .isTrue();
                firedBeforeKill =
                        watch.alerts().stream().map(DrainAlert::getAlertId).collect(Collectors.toSet());
            } finally {
                first.destroyForcibly().waitFor();
            }
            feed.play(scenario, stopAt, restartAt, (block, time) -> blockTimes.put(block.index(), time));
            try (Detector second = Detector.start(config, new SimpleMeterRegistry())) {
                assertThat(second.awaitRunning(Duration.ofSeconds(60)))
                        .as("second detector running")
                        .isTrue();
                feed.play(scenario, restartAt, end, (block, time) -> blockTimes.put(block.index(), time));
                await("every swept wallet and the sanctioned payment alerted")
                        .atMost(Duration.ofSeconds(60))
                        .until(
                                () -> DemoReport.of(truth, watch.alerts(), watch.incidents(), Optional.empty()),
                                r -> r.missed().isEmpty() && r.sanctionedAlert().isPresent());
                // The fleet stage follows the per-wallet one through a repartition topic: it may lag behind the alerts.
                for (Attack shape : List.of(Attack.MASS_SWEEP, Attack.SWEEP)) {
                    String group = truth.groups().get(shape);
                    await("the incident of " + group + " counts every victim of the " + shape.id())
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> watch.incidents().stream()
                                            .filter(i -> i.getCustodyGroup().equals(group))
                                            .mapToInt(DrainIncident::getWalletsDrained)
                                            .max()
                                            .orElse(0)
                                    >= truth.victims(shape).size());
                }
                // Let the detector have its say on the last blocks, so a late false alert would show: it has
                // committed every transfer, judged every outflow held for the signer's grace, and has no
                // transaction open (what it wrote is committed), twice in a row.
                AtomicInteger settledChecks = new AtomicInteger();
                await("the detector settled on the last block")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            if (!settled(second, config.applicationId(), topics.transfers())) {
                                settledChecks.set(0);
                                return false;
                            }
                            return settledChecks.incrementAndGet() >= 2;
                        });
            }

            List<DrainAlert> alerts = readCommitted(topics.alerts());
            DemoReport report = DemoReport.of(truth, alerts, watch.incidents(), blockTimes);

            assertThat(report.missed()).as("swept wallets without an alert").isEmpty();
            Map<String, Long> firings = alerts.stream()
                    .filter(a -> a.getStatus() == AlertStatus.FIRING)
                    .collect(Collectors.groupingBy(DrainAlert::getAlertId, Collectors.counting()));
            assertThat(firings)
                    .as("FIRING records per alert id")
                    .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
            assertThat(alerts.stream().map(DrainAlert::getAlertId).collect(Collectors.toSet()))
                    .as("alerts fired before the kill are still there")
                    .containsAll(firedBeforeKill);
            assertThat(firings.keySet())
                    .as("every alert id has its FIRING record")
                    .containsAll(alerts.stream().map(DrainAlert::getAlertId).collect(Collectors.toSet()));
            List<GroundTruth.SweptWallet> mass = truth.victims(Attack.MASS_SWEEP);
            String retail = truth.groups().get(Attack.MASS_SWEEP);
            DemoReport.ShapeScore massScore = report.shapes().stream()
                    .filter(shape -> shape.attack() == Attack.MASS_SWEEP)
                    .findFirst()
                    .orElseThrow();
            assertThat(massScore.paged())
                    .as("mass-swept small wallets named by a high/critical alert or by the incident")
                    .isEqualTo(mass.size());
            assertThat(massScore.incidentOpening())
                    .as("the incident of group %s", retail)
                    .isPresent();
            DrainIncident opening = massScore.incidentOpening().orElseThrow();
            assertThat(opening.getWalletsDrained())
                    .as("wallets drained when the incident opened")
                    .isEqualTo(5);
            // The fleet stage counts drained wallets in the order their signals reach it, which across
            // partitions need not be the order of the blocks (DetectorTopologyTest pins the order down):
            // here, the five it opened on are five distinct victims of the mass sweep, none of them benign,
            // and its newest evidence is from the first blocks of the sweep (a wallet's signals can reach the
            // fleet stage a block after a later wallet's: the eighth victim's block is the bound).
            assertThat(opening.getWallets())
                    .as("the wallets the incident opened on")
                    .hasSize(5)
                    .doesNotHaveDuplicates()
                    .allSatisfy(w -> assertThat(mass.stream().map(GroundTruth.SweptWallet::address))
                            .contains(w));
            assertThat(opening.getLastEvidenceTime())
                    .as("the incident's evidence when it opened: by the eighth victim's block at the latest")
                    .isBeforeOrEqualTo(blockTimes.get(mass.get(7).block()));
            assertThat(report.shapes())
                    .as("high or critical alerts on each shape's look-alikes")
                    .allSatisfy(shape -> assertThat(shape.falseAlerts())
                            .as(shape.attack().id())
                            .isZero());
            assertThat(report.falseAlerts())
                    .as("high or critical alerts on benign wallets")
                    .extracting(a -> a.getRule() + " " + a.getSummary())
                    .isEmpty();
            List<DrainAlert> sanctioned = alerts.stream()
                    .filter(a -> a.getRule().equals("denylisted-counterparty")
                            && DemoReport.involved(a)
                                    .contains(truth.sanctioned().wallet()))
                    .toList();
            assertThat(sanctioned)
                    .as("alerts on the sanctioned payment")
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL));
            Map<String, Set<String>> incidentsByGroup = watch.incidents().stream()
                    .collect(Collectors.groupingBy(
                            DrainIncident::getCustodyGroup,
                            Collectors.mapping(DrainIncident::getIncidentId, Collectors.toSet())));
            assertThat(incidentsByGroup)
                    .as("incidents: one per attacked custody group")
                    .containsKeys(retail, truth.groups().get(Attack.SWEEP))
                    .allSatisfy((group, ids) -> {
                        assertThat(truth.groups().values()).contains(group);
                        assertThat(ids).as(group).hasSize(1);
                    });
        }
    }

    /** {@code drainwatch detect} in a new JVM on this test's classpath, its output in {@code log}. */
    /**
     * Whether {@code detector} has committed every record of {@code transfers} (the feed writes without
     * transactions, so the end offsets are the records' ends), holds nothing for the signer's grace, and
     * has no transaction open.
     */
    private static boolean settled(Detector detector, String applicationId, String transfers) throws Exception {
        if (detector.awaitingSignerGrace() > 0) {
            return false;
        }
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                KAFKA.admin()
                        .listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata()
                        .get();
        var partitions =
                KAFKA
                        .admin()
                        .describeTopics(List.of(transfers))
                        .allTopicNames()
                        .get()
                        .get(transfers)
                        .partitions()
                        .stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(transfers, p.partition()))
                        .toList();
        var ends = KAFKA.admin()
                .listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
                .all()
                .get();
        for (var p : partitions) {
            var c = committed.get(p);
            if (c == null || c.offset() < ends.get(p).offset()) {
                return false;
            }
        }
        return KAFKA.noOpenTransaction(applicationId);
    }

    private static Process detectorProcess(Map<String, String> settings, Path log) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.drainwatch.detector.cli.Drainwatch",
                "detect",
                "-b",
                KAFKA.bootstrapServers()));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Every setting is given above; variables of the test tools (DW_TOOL_ANVIL, ...) are not settings.
        builder.environment().keySet().removeIf(name -> name.startsWith("DRAINWATCH_"));
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static Set<String> alertedWallets(List<DrainAlert> alerts) {
        return alerts.stream().flatMap(a -> DemoReport.involved(a).stream()).collect(Collectors.toSet());
    }

    /** The whole topic as a downstream consumer sees it: committed transactions only, up to the end. */
    private static List<DrainAlert> readCommitted(String topic) {
        AvroSerde<DrainAlert> serde = AvroSerde.of(DrainAlert.class);
        Map<String, Object> props = AlertWatch.readCommitted(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), "demo-it-reader");
        List<DrainAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("reading " + topic + " to its end")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            alerts.add(serde.decode(r.value()));
                        }
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return alerts;
    }
}
