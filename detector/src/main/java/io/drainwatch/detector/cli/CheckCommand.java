package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicCheck;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch check}: whether the cluster is ready for the roles, line by line. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check that the cluster is ready for a role: topics present, co-partitioned, compacted where they are",
            "tables, replicated. Exit code 0 when every checked role can start, 1 when something is missing,",
            "2 for usage or configuration errors."
        })
public final class CheckCommand implements Callable<Integer> {
    /** The roles {@code --role} names. */
    public enum Target {
        DETECT,
        INGEST,
        RELAY,
        ALL
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--role",
            defaultValue = "all",
            description = "Role to check: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Target role = Target.ALL;

    @Option(
            names = "--timeout",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "How long to wait for the cluster (default ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofSeconds(15);

    @Override
    public Integer call() {
        Topics topics = kafka.topics();
        List<Role> roles = switch (role) {
            case DETECT -> List.of(Role.DETECT);
            case INGEST -> List.of(Role.INGEST);
            case RELAY -> List.of(Role.RELAY);
            case ALL -> List.of(Role.DETECT, Role.INGEST, Role.RELAY);
        };
        PrintWriter out = spec.commandLine().getOut();
        List<TopicCheck.Finding> findings;
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            findings =
                    new TopicCheck(admin, timeout, Preflight.fixCommand(kafka.bootstrapServers())).full(roles, topics);
        } catch (TimeoutException e) {
            out.println("FAIL Kafka at " + kafka.bootstrapServers() + " did not answer within " + timeout);
            out.flush();
            return 1;
        }
        out.println("ok   Kafka at " + kafka.bootstrapServers() + " answers");
        findings.forEach(f -> out.println(f.line()));
        out.flush();
        return findings.stream().anyMatch(f -> f.level() == TopicCheck.Level.FAIL) ? 1 : 0;
    }
}
