package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code drainwatch topics create}: creates every missing drainwatch topic on a cluster. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
            "Create every drainwatch topic that does not exist yet (reference tables and incidents compacted).",
            "Existing topics are left unchanged; exit code 1 when one has the wrong cleanup policy."
        })
public final class CreateTopicsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(
            names = "--replication-factor",
            defaultValue = "3",
            description = "Replicas per partition (default ${DEFAULT-VALUE}).")
    short replicationFactor = 3;

    @Option(
            names = "--timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the cluster, e.g. 30s, 2m or PT30S (default ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofSeconds(30);

    @Override
    public Integer call() {
        if (partitions < 1) {
            throw new ConfigException("--partitions", "must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new ConfigException("--replication-factor", "must be at least 1, was " + replicationFactor);
        }
        Topics topics = kafka.topics();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.Outcome outcome =
                    new TopicSetup(admin, timeout).createAll(topics, partitions, replicationFactor);
            var out = spec.commandLine().getOut();
            outcome.created().forEach(t -> out.println("created " + t));
            outcome.existing().forEach(t -> out.println("exists  " + t));
            out.flush();
            var err = spec.commandLine().getErr();
            outcome.problems().forEach(p -> err.println("drainwatch: " + p));
            err.flush();
            return outcome.problems().isEmpty() ? 0 : 1;
        }
    }
}
