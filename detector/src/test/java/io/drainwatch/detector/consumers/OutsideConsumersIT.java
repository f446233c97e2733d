package io.drainwatch.detector.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.alert.AlertJson;
import io.drainwatch.detector.cli.Drainwatch;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.demo.AlertWatch;
import io.drainwatch.detector.demo.GroundTruth;
import io.drainwatch.detector.demo.Scenario;
import io.drainwatch.detector.demo.ScenarioFeed;
import io.drainwatch.detector.demo.ScenarioParameters;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe of the operator's guide ("Reading alerts from outside the JVM") against what the real
 * detector wrote: kcat reads {@code drainwatch.alerts} and {@code drainwatch.incidents} from a real
 * broker, {@code docs/consumers/read_alerts.py} decodes them with the published schemas, and every
 * record it prints equals what {@code drainwatch alerts tail --format json} prints for the same record.
 */
class OutsideConsumersIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    /** kcat's output format of the recipe: a text header with the lengths, then the raw key and value. */
    static final String KCAT_FORMAT = "%t %p %o %K %S\\n%k%s\\n";

    private static final Duration TOOL_LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCRIPT = repositoryRoot().resolve("docs/consumers/read_alerts.py");

    @TempDir
    Path work;

    @Test
    void kcatAndThePythonRecipeDecodeEveryAlertAndIncidentAsAlertsTailDoes() throws Exception {
        String kcat = tool("DW_TOOL_KCAT", "kcat (Debian package kcat)");
        String python = tool("DW_TOOL_PYTHON", "Python 3 with the avro module (Debian package python3-avro)");
        Scenario scenario = Scenario.generate(ScenarioParameters.defaults()
                .withSwept(20)
                .withWallets(400)
                .withDestinations(2)
                .withAttacks(java.util.EnumSet.of(io.drainwatch.detector.demo.Attack.SWEEP))
                .withBlockInterval(Duration.ofMillis(150)));
        GroundTruth truth = scenario.truth();
        Topics topics = Topics.defaults();
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());

        runDetector(scenario, truth, topics, client);

        // The detector is closed: the topics hold what they will hold, so every reader sees the same records.
        int written = committedRecords(topics.alerts()) + committedRecords(topics.incidents());
        List<JsonNode> tail = alertsTail(written);
        Path framed = work.resolve("kcat.out");
        kcat(kcat, topics.alerts(), framed);
        kcat(kcat, topics.incidents(), framed);
        List<JsonNode> outside = readAlerts(python, framed);

        System.out.printf(
                "outside consumers: %d alerts, %d incident versions written; read_alerts.py printed %d lines, first:%n%s%n",
                countType(tail, "alert"),
                countType(tail, "incident"),
                outside.size(),
                outside.isEmpty() ? "(none)" : outside.get(0));
        assertThat(countType(tail, "alert")).as("alert records").isPositive();
        assertThat(countType(tail, "incident")).as("incident records").isPositive();
        assertThat(outside).as("records decoded outside the JVM").hasSize(written);
        assertThat(sorted(outside))
                .as("every record read by kcat + read_alerts.py equals the alerts tail --format json line for it")
                .containsExactlyElementsOf(sorted(tail));
        assertThat(outside.stream()
                        .filter(j -> j.get("type").asText().equals("alert"))
                        .flatMap(j -> stream(j.get("wallets")))
                        .collect(Collectors.toSet()))
                .as("wallets of the alerts decoded outside the JVM")
                .containsAll(truth.sweptAddresses());
        JsonNode latestIncident = outside.stream()
                .filter(j -> j.get("type").asText().equals("incident"))
                .max(Comparator.comparingInt(j -> j.get("version").asInt()))
                .orElseThrow();
        assertThat(latestIncident.get("custodyGroup").asText())
                .isEqualTo(truth.groups().get(io.drainwatch.detector.demo.Attack.SWEEP));
        assertThat(latestIncident.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(latestIncident.get("walletsDrained").asInt())
                .isEqualTo(truth.swept().size());
        assertThat(latestIncident.get("incidentId").asText())
                .startsWith("inc-" + truth.groups().get(io.drainwatch.detector.demo.Attack.SWEEP) + "-");
    }

    @Test
    void aRecordWrittenWithAnOlderReleasedSchemaIsFoundByItsFingerprintAndReadAsTheCurrentVersion() throws Exception {
        String kcat = tool("DW_TOOL_KCAT", "kcat (Debian package kcat)");
        String python = tool("DW_TOOL_PYTHON", "Python 3 with the avro module (Debian package python3-avro)");
        String topic = "it.outside.transfers";
        KAFKA.createTopic(topic, 1, 1);
        Schema v1 = AvroSerde.history(TransferEvent.getClassSchema()).get(0);
        assertThat(v1.getField("txFrom")).as("TransferEvent v1 predates txFrom").isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("chainId", 1L);
        old.put("from", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        old.put("to", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
        old.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "ERC20"));
        old.put("asset", "0xdac17f958d2ee523a2206206994597c13d831ec7");
        // the largest uint256: exact amounts must survive the trip outside the JVM digit for digit
        old.put(
                "amount",
                new BigDecimal("115792089237316195423570985008687907853269984665640564039457584007913129639935"));
        old.put("decimals", 6);
        old.put("eventId", "1:0xb1:0x6e:3");
        old.put("txHash", "0x6e2b");
        old.put("blockNumber", 19_000_000L);
        old.put("blockHash", "0xb1");
        old.put("blockTime", Instant.parse("2026-06-04T10:15:02.250Z"));
        old.put("logIndex", 3);
        old.put("removed", false);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(v1Model(), v1).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "1:" + old.get("from"), bytes))
                    .get(10, TimeUnit.SECONDS);
        }
        Path framed = work.resolve("kcat.out");
        kcat(kcat, topic, framed);

        List<JsonNode> outside = readAlerts(python, framed);

        TransferEvent current = AvroSerde.of(TransferEvent.class).decode(bytes);
        assertThat(outside)
                .as("the v1 record decoded outside the JVM, as the current TransferEvent")
                .containsExactly(MAPPER.readTree(AlertJson.line("TransferEvent", current)));
        assertThat(outside.get(0).get("amount").asText())
                .isEqualTo(old.get("amount").toString());
        assertThat(outside.get(0).get("blockTime").asText()).isEqualTo("2026-06-04T10:15:02.250Z");
        assertThat(outside.get(0).get("txFrom").isNull())
                .as("txFrom, added after v1")
                .isTrue();
    }

    /** Plays the scenario through the real detector until the incident counts every swept wallet, then closes it. */
    private void runDetector(Scenario scenario, GroundTruth truth, Topics topics, Map<String, Object> client)
            throws InterruptedException {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "outside-consumers-it");
        settings.put("kafka.state.dir", work.resolve("state").toString());
        settings.put("metrics.port", "0");
        // the scenario's custodian publishes every transaction it signs, so an unsigned outflow is theft
        settings.put("rules.unauthorized-outflow.enabled", "true");
        DetectorConfig config = DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
        try (ScenarioFeed feed = new ScenarioFeed(client, topics, Clock.systemUTC());
                AlertWatch watch = AlertWatch.start(client, topics, new AlertWatch.Listener() {});
                Detector detector = Detector.start(config, new SimpleMeterRegistry())) {
            feed.writeReference(scenario);
            assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                    .as("detector running")
                    .isTrue();
            feed.play(scenario, 0, scenario.blocks().size(), (block, time) -> {});
            Set<String> swept = truth.sweptAddresses();
            await("alerts on every swept wallet and an incident counting them")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> watch.alerts().stream()
                                    .flatMap(a -> a.getWallets().stream())
                                    .collect(Collectors.toSet())
                                    .containsAll(swept)
                            && watch.incidents().stream()
                                            .mapToInt(DrainIncident::getWalletsDrained)
                                            .max()
                                            .orElse(0)
                                    == swept.size());
            assertThat(watch.alerts()).extracting(DrainAlert::getAlertId).isNotEmpty();
        }
    }

    /** What docs/consumers/read_alerts.py prints for kcat's output in {@code framed}, which must all decode. */
    private List<JsonNode> readAlerts(String python, Path framed) throws Exception {
        Path printed = work.resolve("read_alerts.out");
        ToolRun decoded =
                run(List.of(python, SCRIPT.toString(), framed.toString()), work.resolve("read_alerts.err"), printed);
        assertThat(decoded.exitCode())
                .as("read_alerts.py exit code; its stderr:\n%s", decoded.stderr())
                .isZero();
        return parse(Files.readString(printed, StandardCharsets.UTF_8));
    }

    /** Writes Avro decimals and timestamps from BigDecimal and Instant, as the generated classes do. */
    private static GenericData v1Model() {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return model;
    }

    /** Records with a value on {@code topic} that a read_committed consumer reads to the end. */
    private static int committedRecords(String topic) {
        Map<String, Object> props = AlertWatch.readCommitted(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), "outside-consumers-it");
        int[] count = {0};
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
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            if (record.value() != null) {
                                count[0]++;
                            }
                        }
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return count[0];
    }

    /** {@code drainwatch alerts tail --format json --from-beginning --max N}, in this JVM. */
    private static List<JsonNode> alertsTail(int records) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "alerts",
                        "tail",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "--format",
                        "json",
                        "--from-beginning",
                        "--max",
                        Integer.toString(records));
        assertThat(exit).as("alerts tail exit code; stderr:\n%s", err).isZero();
        return parse(out.toString());
    }

    /** Appends what {@code kcat -C -e} reads from {@code topic} to {@code output}, in the recipe's framing. */
    private void kcat(String kcat, String topic, Path output) throws Exception {
        Path chunk = work.resolve(topic + ".kcat");
        ToolRun run = run(
                List.of(
                        kcat,
                        "-C",
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        topic,
                        "-o",
                        "beginning",
                        "-e",
                        "-q",
                        "-X",
                        "isolation.level=read_committed",
                        "-f",
                        KCAT_FORMAT),
                work.resolve(topic + ".kcat.err"),
                chunk);
        assertThat(run.exitCode())
                .as("kcat exit code reading %s; its stderr:\n%s", topic, run.stderr())
                .isZero();
        Files.write(output, Files.readAllBytes(chunk), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private record ToolRun(int exitCode, String stderr) {}

    /** Runs {@code command} to its end (at most {@link #TOOL_LIMIT}), its output in files; a failed test when late. */
    private static ToolRun run(List<String> command, Path stderr, Path stdout) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            if (!process.waitFor(TOOL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                fail(String.join(" ", command) + " did not finish within " + TOOL_LIMIT + "; its stderr:\n"
                        + Files.readString(stderr));
            }
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return new ToolRun(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** The tool named by {@code variable}, which bin/tools/kcat.sh exports; a failed test when it is missing. */
    private static String tool(String variable, String what) {
        String path = System.getenv(variable);
        if (path == null || path.isBlank() || !Files.isExecutable(Path.of(path))) {
            fail(variable + " does not name " + what + " (it is '" + path + "'): bin/test installs it through"
                    + " bin/tools/kcat.sh; run bin/test, or 'source bin/tools/kcat.sh' before ./mvnw.");
        }
        return path;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/consumers/read_alerts.py"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("docs/consumers/read_alerts.py not found above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static List<JsonNode> parse(String lines) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines.lines().filter(l -> !l.isBlank()).toList()) {
            nodes.add(MAPPER.readTree(line));
        }
        return nodes;
    }

    private static long countType(List<JsonNode> records, String type) {
        return records.stream().filter(j -> j.get("type").asText().equals(type)).count();
    }

    private static java.util.stream.Stream<String> stream(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values.stream();
    }

    /** Records in one order whatever the partition interleaving: by their canonical JSON text. */
    private static List<JsonNode> sorted(List<JsonNode> records) {
        return records.stream().sorted(Comparator.comparing(JsonNode::toString)).toList();
    }
}
