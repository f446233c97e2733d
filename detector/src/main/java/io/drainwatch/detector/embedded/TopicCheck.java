package io.drainwatch.detector.embedded;

import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

/**
 * Checks that the topics a role reads and writes exist, are partitioned as the detector needs and,
 * for {@link #full}, are compacted and replicated as its guarantees need.
 */
public final class TopicCheck {
    /** One result line: {@code ok} lines are fine, {@code FAIL} lines stop a role, {@code warn} lines do not. */
    public record Finding(Level level, String message) {
        public String line() {
            return level.label + " " + message;
        }
    }

    public enum Level {
        OK("ok  "),
        WARN("warn"),
        FAIL("FAIL");

        final String label;

        Level(String label) {
            this.label = label;
        }
    }

    private final Admin admin;
    private final Duration timeout;
    private final String fixCommand;
    /** Topics this client may not even describe: their state is unknown, not missing. */
    private final Set<String> denied = new LinkedHashSet<>();

    /** {@code fixCommand} is what creates the topics, e.g. {@code drainwatch topics create -b host:9092}. */
    public TopicCheck(Admin admin, Duration timeout, String fixCommand) {
        this.admin = admin;
        this.timeout = timeout;
        this.fixCommand = fixCommand;
    }

    /** The topics {@code role} reads or writes. */
    public static List<String> needed(Role role, Topics t) {
        return switch (role) {
            case DETECT -> {
                List<String> all = new ArrayList<>(t.streams());
                all.addAll(t.compacted());
                yield all;
            }
            case INGEST -> List.of(t.transfers(), t.approvals(), t.delegations(), t.balances(), t.heads(), t.wallets());
            case RELAY -> List.of(t.alerts(), t.incidents());
        };
    }

    /**
     * The topics the per-wallet stage reads together with the transfers: Kafka Streams re-keys each of
     * them into a repartition topic with the source's partition count and merges those, so a wallet's
     * events only meet in one task when every one has as many partitions as the transfers.
     */
    static List<String> coPartitioned(Role role, Topics t) {
        return switch (role) {
            case DETECT -> List.of(t.balances(), t.approvals(), t.delegations());
            case INGEST, RELAY -> List.of();
        };
    }

    /**
     * The start-up check, one describeTopics call: the first problem as one line, or {@code null} when
     * the role can start (or the cluster did not answer in time: Kafka's own clients then retry).
     */
    public @Nullable String startProblem(Role role, Topics topics) {
        List<String> names = needed(role, topics);
        Map<String, TopicDescription> found;
        try {
            found = describe(names);
        } catch (TimeoutException e) {
            return null;
        }
        for (Finding f : partitioning(role, topics, names, found)) {
            if (f.level() == Level.FAIL) {
                return f.message();
            }
        }
        return null;
    }

    /** Every check for {@code roles}: existence, partitioning, cleanup policy and replication. */
    public List<Finding> full(Collection<Role> roles, Topics topics) throws TimeoutException {
        List<Finding> findings = new ArrayList<>();
        int brokers = brokers();
        Set<String> names = new LinkedHashSet<>();
        roles.forEach(r -> names.addAll(needed(r, topics)));
        Map<String, TopicDescription> found = describe(List.copyOf(names));
        Set<String> reported = new LinkedHashSet<>();
        for (Role role : roles) {
            for (Finding f : partitioning(role, topics, needed(role, topics), found)) {
                if (reported.add(f.line())) {
                    findings.add(f);
                }
            }
        }
        if (found.isEmpty()) {
            return findings;
        }
        Map<ConfigResource, Config> configs;
        try {
            configs = configs(found.keySet());
        } catch (TopicAuthorizationException e) {
            findings.add(new Finding(
                    Level.WARN,
                    "cleanup policy and replication not checked: this client may not describe topic configs"
                            + " (DESCRIBE_CONFIGS, an administrator's ACL)"));
            return findings;
        }
        Set<String> compacted = Set.copyOf(topics.compacted());
        List<String> policyProblems = new ArrayList<>();
        for (String name : found.keySet()) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            @Nullable ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String value = policy == null ? "delete" : policy.value();
            boolean compacts = Set.of(value.replace(" ", "").split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            if (compacted.contains(name) && !compacts) {
                policyProblems.add(name + " has cleanup.policy=" + value
                        + " but is a table: set cleanup.policy=compact (kafka-configs.sh --alter --entity-type topics --entity-name "
                        + name + " --add-config cleanup.policy=compact)");
            } else if (!compacted.contains(name) && compacts) {
                policyProblems.add(
                        name + " has cleanup.policy=" + value + " but is a stream: set cleanup.policy=delete");
            }
        }
        policyProblems.forEach(p -> findings.add(new Finding(Level.FAIL, p)));
        if (policyProblems.isEmpty()) {
            findings.add(
                    new Finding(Level.OK, "cleanup policy: reference tables and incidents compacted, streams not"));
        }
        if (brokers <= 1) {
            findings.add(new Finding(
                    Level.WARN, "single-broker cluster: a development cluster, no replica survives its loss"));
        } else {
            List<String> weak = new ArrayList<>();
            for (TopicDescription d : found.values()) {
                int rf = d.partitions().isEmpty()
                        ? 0
                        : d.partitions().getFirst().replicas().size();
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()));
                @Nullable ConfigEntry isr = config == null ? null : config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                int minIsr = isr == null ? 1 : Integer.parseInt(isr.value());
                if (rf < 3 || minIsr < 2) {
                    weak.add(d.name() + " (replication factor " + rf + ", min.insync.replicas " + minIsr + ")");
                }
            }
            if (weak.isEmpty()) {
                findings.add(new Finding(
                        Level.OK, "replication: factor >= 3 and min.insync.replicas >= 2 on " + brokers + " brokers"));
            } else {
                findings.add(new Finding(
                        Level.WARN,
                        "replication below what the guarantees need (factor 3, min.insync.replicas 2): "
                                + String.join(", ", weak)));
            }
        }
        return findings;
    }

    private List<Finding> partitioning(
            Role role, Topics topics, List<String> names, Map<String, TopicDescription> found) {
        List<Finding> findings = new ArrayList<>();
        List<String> missing = names.stream()
                .filter(n -> !found.containsKey(n) && !denied.contains(n))
                .toList();
        String who = role.name().toLowerCase(java.util.Locale.ROOT);
        if (!missing.isEmpty()) {
            findings.add(new Finding(
                    Level.FAIL,
                    who + ": missing topic" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                            + "; create them with: " + fixCommand));
        } else if (denied.stream().noneMatch(names::contains)) {
            findings.add(new Finding(Level.OK, who + ": all " + names.size() + " topics exist"));
        } // else the access check names the topics this client may not describe
        TopicDescription transfers = found.get(topics.transfers());
        if (transfers == null) {
            return findings;
        }
        int want = transfers.partitions().size();
        List<String> wrong = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (String name : coPartitioned(role, topics)) {
            TopicDescription d = found.get(name);
            if (d == null) {
                continue;
            }
            checked.add(name);
            if (d.partitions().size() != want) {
                wrong.add(name + " has " + d.partitions().size());
            }
        }
        if (!wrong.isEmpty()) {
            findings.add(new Finding(
                    Level.FAIL,
                    who + ": " + String.join(", ", wrong) + " partitions but " + topics.transfers() + " has " + want
                            + " (co-partitioned for the per-wallet stage); give them " + want
                            + " partitions (kafka-topics.sh --alter --partitions only grows; otherwise delete and re-create with: "
                            + fixCommand + " --partitions " + want + ")"));
        } else if (!checked.isEmpty()) {
            findings.add(new Finding(
                    Level.OK,
                    who + ": " + String.join(", ", checked) + " have " + want + " partitions like "
                            + topics.transfers()));
        }
        return findings;
    }

    /** One describeTopics call; a topic the cluster does not know is left out of the result. */
    private Map<String, TopicDescription> describe(List<String> names) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TopicDescription> found = new java.util.LinkedHashMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            var future = futures.get(name);
            if (future == null) {
                continue;
            }
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                found.put(name, future.get(left, TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    denied.add(name); // neither found nor missing: AccessCheck names it
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "cannot describe topic " + name + ": "
                                    + Objects.requireNonNullElse(e.getCause(), e)
                                            .getMessage(),
                            e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topics", e);
            }
        }
        return found;
    }

    private Map<ConfigResource, Config> configs(Set<String> names) throws TimeoutException {
        try {
            return admin.describeConfigs(names.stream()
                            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                            .toList())
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException refused) {
                throw refused;
            }
            throw new IllegalStateException(
                    "cannot read topic configs: "
                            + Objects.requireNonNullElse(e.getCause(), e).getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic configs", e);
        }
    }

    private int brokers() throws TimeoutException {
        try {
            return admin.describeCluster()
                    .nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot describe the cluster: "
                            + Objects.requireNonNullElse(e.getCause(), e).getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the cluster", e);
        }
    }
}
