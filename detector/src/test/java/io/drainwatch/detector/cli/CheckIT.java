package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.testing.KafkaClusterExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code drainwatch check} and the roles' start-up check against a real broker. */
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
}
