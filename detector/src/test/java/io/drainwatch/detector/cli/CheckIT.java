package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.chain.AnvilNode;
import io.drainwatch.detector.deploy.Repo;
import io.drainwatch.detector.opstest.Alertmanager;
import io.drainwatch.detector.opstest.ExternalProcess;
import io.drainwatch.detector.opstest.WebhookReceiver;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drainwatch check} and the roles' start-up check against a real broker. The tests share the
 * cluster: the fresh one is checked first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** One method: the steps share the cluster, in order, from fresh to fixed to broken again. */
    @Test
    @Order(1)
    void checksAFreshClusterThenTheCreatedTopicsThenAMisPartitionedOne() {
        String bootstrap = KAFKA.bootstrapServers();
        String fix = "drainwatch topics create --bootstrap-servers " + bootstrap;

        Run fresh = run("check", "-b", bootstrap);
        assertThat(fresh.exit()).as(fresh.out() + fresh.err()).isEqualTo(1);
        assertThat(fresh.out())
                .contains("FAIL detect: missing topics chain.transfers, chain.approvals")
                .contains("drainwatch.wallets")
                .contains("FAIL relay: missing topics drainwatch.alerts, drainwatch.incidents")
                .contains(fix);

        Run detect = run("detect", "-b", bootstrap);
        assertThat(detect.exit()).isEqualTo(2);
        assertThat(detect.err().strip().lines().toList())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("drainwatch: detect: missing topics chain.transfers")
                        .endsWith(fix));

        Run create = run("topics", "create", "-b", bootstrap, "--replication-factor", "1", "--partitions", "3");
        assertThat(create.exit()).as(create.err()).isZero();

        Run ready = run("check", "-b", bootstrap);
        assertThat(ready.exit()).as(ready.out()).isZero();
        assertThat(ready.out())
                .contains("ok   detect: all 13 topics exist")
                .contains("ok   detect: this client may read and write what the role does")
                .contains("ok   relay: this client may read and write what the role does")
                .contains("ok   detect: chain.balances, chain.approvals, chain.delegations have 3 partitions")
                .contains("warn single-broker cluster: a development cluster")
                .doesNotContain("FAIL");

        KAFKA.admin().deleteTopics(List.of("chain.balances"));
        Awaitility.await("chain.balances re-created with 2 partitions")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> KAFKA.createTopic("chain.balances", 2, 1));

        Run wrong = run("check", "--role", "detect", "-b", bootstrap);
        assertThat(wrong.exit()).as(wrong.out()).isEqualTo(1);
        assertThat(wrong.out()).contains("FAIL detect: chain.balances has 2 partitions but chain.transfers has 3");

        Run ingest = run("check", "--role", "ingest", "-b", bootstrap);
        assertThat(ingest.exit()).as(ingest.out()).isZero();

        Run detectWrong = run("detect", "-b", bootstrap);
        assertThat(detectWrong.exit()).isEqualTo(2);
        assertThat(detectWrong.err()).contains("chain.balances has 2 partitions");
    }

    /**
     * The probes beyond Kafka: a real anvil node (its chain id, head and the calls ingest makes per block,
     * with an API key in the URL that must not be printed) and a real Alertmanager (its status, with the
     * relay's credentials), then each one wrong.
     */
    @Test
    @Order(2)
    void checksTheNodeIngestReadsAndTheAlertmanagerTheRelayPostsTo(@TempDir Path work) {
        String bootstrap = KAFKA.bootstrapServers();
        Run create = run("topics", "create", "-b", bootstrap, "--replication-factor", "1", "--partitions", "3");
        assertThat(create.exit()).as(create.err()).isZero();
        try (AnvilNode anvil = AnvilNode.start();
                WebhookReceiver webhook = new WebhookReceiver();
                ExternalProcess am =
                        Alertmanager.start(Repo.path("deploy/alertmanager/alertmanager.yml"), webhook, work)) {
            URI node = anvil.httpUrl().uri();
            String keyed = node.getScheme() + "://" + node.getAuthority() + "/?key=s3cretApiKey";
            String origin = node.getScheme() + "://" + node.getAuthority();

            Run ingest = run("check", "--role", "ingest", "-b", bootstrap, "--rpc-url", keyed, "--chain-id", "31337");
            System.out.printf("check --role ingest with a node:%n%s", ingest.out());
            assertThat(ingest.exit()).as(ingest.out() + ingest.err()).isZero();
            assertThat(ingest.out())
                    .contains("ok   ingest: this client may read and write what the role does")
                    .containsPattern("ok   node " + origin + ".*: chain id 31337, head block \\d+")
                    .contains("serves eth_getBlockReceipts")
                    .contains("serves debug_traceBlockByHash and trace_block (--trace debug)")
                    .doesNotContain("s3cretApiKey");

            Run wrongChain = run("check", "--role", "ingest", "-b", bootstrap, "--rpc-url", keyed, "--chain-id", "1");
            assertThat(wrongChain.exit()).as(wrongChain.out()).isEqualTo(1);
            assertThat(wrongChain.out())
                    .contains(": chain id 31337, but ingest is set for chain 1")
                    .doesNotContain("s3cretApiKey");

            int dead = ExternalProcess.freePort();
            Run down = run(
                    "check",
                    "--role",
                    "ingest",
                    "-b",
                    bootstrap,
                    "--rpc-url",
                    "http://127.0.0.1:" + dead + "/s3cretApiKey",
                    "--timeout",
                    "3s");
            assertThat(down.exit()).isEqualTo(1);
            assertThat(down.out())
                    .contains("FAIL node http://127.0.0.1:" + dead)
                    .contains("did not answer eth_chainId")
                    .doesNotContain("s3cretApiKey");

            String alertmanager = "http://relay:s3cretPassword@127.0.0.1:" + am.port();
            Run relay = run("check", "--role", "relay", "-b", bootstrap, "--alertmanager-url", alertmanager);
            System.out.printf("check --role relay with an Alertmanager:%n%s", relay.out());
            assertThat(relay.exit()).as(relay.out() + relay.err()).isZero();
            assertThat(relay.out())
                    .containsPattern("ok   Alertmanager http://127.0.0.1:" + am.port() + ".*: Alertmanager \\d+\\.\\d+")
                    .doesNotContain("s3cretPassword");

            Run noAlertmanager = run(
                    "check",
                    "--role",
                    "relay",
                    "-b",
                    bootstrap,
                    "--alertmanager-url",
                    "http://127.0.0.1:" + dead,
                    "--timeout",
                    "3s");
            assertThat(noAlertmanager.exit()).isEqualTo(1);
            assertThat(noAlertmanager.out()).contains("FAIL Alertmanager http://127.0.0.1:" + dead + ": unreachable");
        }
    }
}
