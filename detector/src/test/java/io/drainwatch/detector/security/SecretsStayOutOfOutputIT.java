package io.drainwatch.detector.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.alert.SampleAlerts;
import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.chain.ChainWriter;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each long-running role given every secret it can hold (the Kafka SCRAM password in its JAAS line and
 * the trust store password; an RPC API key in the URL for ingest, on a working node and on a dead
 * one; Alertmanager credentials in the URL user info for relay, on a working receiver and on a dead
 * one; a token in its query) does its job, and then none of those secrets appears in any byte the process wrote nor in its
 * {@code /metrics}.
 */
class SecretsStayOutOfOutputIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final String RPC_KEY = "SECRETKEY123rpc";
    private static final String DEAD_RPC_KEY = "SECRETKEY456dead";
    private static final String AM_PASSWORD = "SECRETam789pass";
    private static final String DEAD_AM_PASSWORD = "SECRETam000dead";
    private static final String AM_TOKEN = "SECRETam321token";

    @TempDir
    static Path shared;

    static SecuredKafka kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = SecuredKafka.start(Files.createDirectories(shared.resolve("tls")));
        new TopicSetup(kafka.admin(), Duration.ofSeconds(30)).createAll(TOPICS, 2, (short) 1);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void ingestKeepsTheRpcKeyAndKafkaPasswordOutOfItsOutputAndMetrics() throws Exception {
        String progress = "drainwatch.ingest-progress";
        kafka.grant(RoleAcls.ingest("ingest", TOPICS, progress, ChainWriter.transactionalId(AnvilNode.CHAIN_ID)));
        int metricsPort = ExternalProcess.freePort();
        int deadPort = ExternalProcess.freePort();
        try (AnvilNode anvil = AnvilNode.start("--block-time", "1")) {
            int anvilPort = anvil.httpUrl().uri().getPort();
            // anvil ignores the query: the key rides along as a provider's would
            String rpcUrls = "http://127.0.0.1:" + deadPort + "/?apikey=" + DEAD_RPC_KEY + ",http://127.0.0.1:"
                    + anvilPort + "/?apikey=" + RPC_KEY;
            String metrics;
            try (RoleProcess ingest = RoleProcess.start(
                    "ingest",
                    work,
                    Map.of("DRAINWATCH_RPC_URLS", rpcUrls),
                    "ingest",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    kafka.clientFile("ingest", work.resolve("ingest.properties"))
                            .toString(),
                    "--chain-id",
                    Long.toString(AnvilNode.CHAIN_ID),
                    "--trace",
                    "none",
                    "--rpc-attempts",
                    "2",
                    "--metrics-host",
                    "127.0.0.1",
                    "--metrics-port",
                    String.valueOf(metricsPort))) {
                ingest.showingOutput(() -> {
                    ingest.awaitHealthy(metricsPort);
                    await("a block head written by ingest")
                            .atMost(Duration.ofSeconds(90))
                            .failFast("ingest exited", () -> !ingest.alive())
                            .until(() -> kafka.committedRecords(TOPICS.heads()) > 0);
                });
                metrics = RoleProcess.scrape(metricsPort);
                ingest.close();
                assertNoSecret("ingest", ingest.output(), metrics, List.of(RPC_KEY, DEAD_RPC_KEY));
            }
        } finally {
            kafka.revokeAll("ingest");
        }
    }

    @Test
    void relayKeepsAlertmanagerCredentialsAndKafkaPasswordOutOfItsOutputAndMetrics() throws Exception {
        kafka.grant(RoleAcls.relay("relay", TOPICS, "secrets-relay"));
        DrainAlert alert = SampleAlerts.alert();
        alert.setAlertId("secrets-relay-" + System.nanoTime());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(kafka.adminProperties(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            TOPICS.alerts(),
                            alert.getAlertId(),
                            AvroSerde.of(DrainAlert.class).encode(alert)))
                    .get(30, TimeUnit.SECONDS);
        }
        int metricsPort = ExternalProcess.freePort();
        int deadPort = ExternalProcess.freePort();
        try (AlertmanagerStandIn alertmanager = new AlertmanagerStandIn()) {
            String urls = alertmanager.url("pager", AM_PASSWORD, AM_TOKEN) + ",http://pager:" + DEAD_AM_PASSWORD
                    + "@127.0.0.1:" + deadPort + "/?token=" + AM_TOKEN;
            String metrics;
            try (RoleProcess relay = RoleProcess.start(
                    "relay",
                    work,
                    Map.of("DRAINWATCH_ALERTMANAGER_URLS", urls),
                    "relay",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-config",
                    kafka.clientFile("relay", work.resolve("relay.properties")).toString(),
                    "--group-id",
                    "secrets-relay",
                    "--metrics-host",
                    "127.0.0.1",
                    "--metrics-port",
                    String.valueOf(metricsPort),
                    "--repost-interval",
                    "2s",
                    "--max-backoff",
                    "1s")) {
                relay.showingOutput(() -> {
                    relay.awaitHealthy(metricsPort);
                    await("the alert posted with the credentials")
                            .atMost(Duration.ofSeconds(60))
                            .failFast("relay exited", () -> !relay.alive())
                            .until(() -> alertmanager.bodies().stream().anyMatch(b -> b.contains(alert.getAlertId())));
                    // the dead member was tried too (its failure is where a careless log line would print the URL)
                    await("a re-post after the dead member failed")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> alertmanager.bodies().size() >= 2);
                });
                assertThat(alertmanager.queries())
                        .as("the token was used: sent in the query")
                        .contains("token=" + AM_TOKEN);
                assertThat(alertmanager.authorizations())
                        .as("the user info was used: sent as a basic Authorization header")
                        .contains("Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(("pager:" + AM_PASSWORD)
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                metrics = RoleProcess.scrape(metricsPort);
                relay.close();
                assertNoSecret("relay", relay.output(), metrics, List.of(AM_PASSWORD, DEAD_AM_PASSWORD, AM_TOKEN));
            }
        } finally {
            kafka.revokeAll("relay");
        }
    }

    @Test
    void detectKeepsTheKafkaPasswordOutOfItsOutputAndMetrics() throws Exception {
        String applicationId = "secrets-detect";
        kafka.grant(RoleAcls.detect("detect", TOPICS, applicationId));
        int metricsPort = ExternalProcess.freePort();
        try (RoleProcess detect = RoleProcess.start(
                "detect",
                work,
                Map.of(),
                "detect",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--kafka-config",
                kafka.clientFile("detect", work.resolve("detect.properties")).toString(),
                "--set",
                "application.id=" + applicationId,
                "--set",
                "metrics.host=127.0.0.1",
                "--set",
                "metrics.port=" + metricsPort,
                "--set",
                "kafka.state.dir=" + work.resolve("detect-state"),
                "--set",
                "kafka.num.stream.threads=1")) {
            detect.showingOutput(() -> detect.awaitHealthy(metricsPort).awaitReady(metricsPort));
            String metrics = RoleProcess.scrape(metricsPort);
            detect.close();
            assertNoSecret("detect", detect.output(), metrics, List.of());
        } finally {
            kafka.revokeAll("detect");
        }
    }

    /** Fails naming the secret and the line holding it; the Kafka passwords are always among the secrets. */
    private void assertNoSecret(String role, String output, String metrics, List<String> secrets) throws Exception {
        List<String> all = new ArrayList<>(secrets);
        all.add(kafka.password(role));
        all.add(kafka.trustStorePassword());
        // every file the process wrote in its working directory (its log and any other)
        Map<String, String> written = new HashMap<>();
        try (var files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().endsWith(".properties")) {
                    written.put(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
        written.put("process output", output);
        written.put("/metrics", metrics);
        assertThat(output).as("%s wrote something", role).isNotBlank();
        assertThat(metrics).as("%s /metrics", role).contains("# TYPE");
        for (String secret : all) {
            written.forEach((where, text) -> assertThat(text.contains(secret))
                    .as("%s: a secret appears in %s: %s", role, where, lineWith(text, secret))
                    .isFalse());
        }
        System.out.printf(
                "%s: %d secrets, none in %d bytes of output nor %d bytes of /metrics%n",
                role, all.size(), output.length(), metrics.length());
    }

    private static String lineWith(String text, String secret) {
        return text.lines().filter(l -> l.contains(secret)).findFirst().orElse("");
    }
}
