package io.drainwatch.detector.embedded;

import io.drainwatch.detector.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every drainwatch topic, idempotently: streams with the broker's delete retention,
 * reference tables and latest-state topics compacted. Topics that exist are left as they are.
 * Works against the embedded broker and against an operator's cluster alike.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private final Admin admin;
    private final Duration timeout;

    /**
     * What a run did: topics it created, topics that were already there, and existing topics whose
     * cleanup policy is not the one drainwatch needs (a reference table that is not compacted loses
     * wallets to retention), each as {@code topic: problem}.
     */
    public record Outcome(List<String> created, List<String> existing, List<String> problems) {
        public Outcome {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
            problems = List.copyOf(problems);
        }
    }

    public TopicSetup(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * Creates the topics of {@code topics} that are missing, with {@code partitions} partitions and
     * {@code replicationFactor} replicas, and returns once every partition of every topic has a leader.
     */
    public Outcome createAll(Topics topics, int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        Set<String> compacted = Set.copyOf(topics.compacted());
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : all(topics)) {
            Map<String, String> configs = new HashMap<>();
            if (compacted.contains(name)) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            if (replicationFactor >= 3) {
                // acks=all writes keep working while one replica is down, and never with a single copy
                configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(replicationFactor - 1));
            }
            wanted.add(new NewTopic(name, partitions, replicationFactor).configs(configs));
        }
        CreateTopicsResult result = admin.createTopics(wanted);
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (NewTopic topic : wanted) {
            try {
                Objects.requireNonNull(result.values().get(topic.name()), topic.name())
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(topic.name());
                } else {
                    throw new IllegalStateException(
                            "cannot create topic " + topic.name() + ": "
                                    + Objects.requireNonNullElse(e.getCause(), e)
                                            .getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("topic " + topic.name() + " not created within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            }
        }
        awaitLeaders(all(topics));
        List<String> problems = policyProblems(existing, compacted);
        LOG.info(
                "topics ready created={} existing={} problems={} partitions={} replicationFactor={}",
                created.size(),
                existing.size(),
                problems.size(),
                partitions,
                replicationFactor);
        return new Outcome(created, existing, problems);
    }

    private List<String> policyProblems(List<String> existing, Set<String> compacted) {
        if (existing.isEmpty()) {
            return List.of();
        }
        List<ConfigResource> resources = existing.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the configs of existing topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic configs", e);
        }
        List<String> problems = new ArrayList<>();
        for (String topic : existing) {
            ConfigEntry entry = Objects.requireNonNull(
                            configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)), topic)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            Set<String> policy = entry == null
                    ? Set.of()
                    : Set.of(entry.value().replace(" ", "").split(","));
            boolean compacts = policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            if (compacted.contains(topic) && !compacts) {
                problems.add(topic + ": cleanup.policy is " + (entry == null ? "unset" : entry.value())
                        + ", drainwatch needs compact");
            } else if (!compacted.contains(topic) && compacts) {
                problems.add(topic + ": cleanup.policy is " + entry.value()
                        + ", drainwatch needs delete (a stream, not a table)");
            }
        }
        return problems;
    }

    private static List<String> all(Topics topics) {
        List<String> names = new ArrayList<>(topics.streams());
        names.addAll(topics.compacted());
        return names;
    }

    /**
     * A created topic is only usable once each partition's leader serves it: the metadata names a
     * leader before that broker has opened the partition, and a write in between is refused with
     * NOT_LEADER_OR_FOLLOWER. So wait until the leader answers a read of the partition's end offset.
     */
    private boolean leadersServe(Map<String, TopicDescription> descriptions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        descriptions
                .values()
                .forEach(d -> d.partitions()
                        .forEach(p -> ends.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        try {
            admin.listOffsets(ends).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void awaitLeaders(List<String> names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean ready = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (ready && leadersServe(descriptions)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "cannot describe topics: "
                                    + Objects.requireNonNullElse(e.getCause(), e)
                                            .getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                // retried below until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics have no leader after " + timeout + ": " + names);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics", e);
            }
        }
    }
}
