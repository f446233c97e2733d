package io.drainwatch.detector.embedded;

import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicCheck.Finding;
import io.drainwatch.detector.embedded.TopicCheck.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;

/**
 * Whether this client may do what a role does: read and write its topics, use its consumer group and
 * its transactional id. The broker says which operations the client's principal may perform on a
 * topic or group ({@code includeAuthorizedOperations}); a transactional id is probed by describing it,
 * which needs the {@code DESCRIBE} that its {@code WRITE} implies. On a cluster without an authorizer
 * every operation is allowed and every line is {@code ok}.
 */
public final class AccessCheck {
    /** What one role needs beyond its topics; {@code null} where the role has none. */
    public record Needs(
            Role role, @Nullable String group, @Nullable String transactionalId) {}

    private static final String FIX = "grant the role's ACLs (docs/security.md, ACLs per role)";

    private final Admin admin;
    private final Duration timeout;

    public AccessCheck(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** The topics {@code role} reads, and those it writes, as the ACL table of docs/security.md lists them. */
    static Map<String, Set<AclOperation>> topicOperations(Role role, Topics t) {
        Map<String, Set<AclOperation>> ops = new LinkedHashMap<>();
        switch (role) {
            case DETECT -> {
                for (String read : List.of(
                        t.transfers(),
                        t.approvals(),
                        t.delegations(),
                        t.balances(),
                        t.heads(),
                        t.wallets(),
                        t.labels(),
                        t.allowlist(),
                        t.prices(),
                        t.signedTx())) {
                    ops.put(read, Set.of(AclOperation.READ));
                }
                ops.put(t.alerts(), Set.of(AclOperation.READ, AclOperation.WRITE));
                ops.put(t.incidents(), Set.of(AclOperation.WRITE));
                ops.put(t.deadLetter(), Set.of(AclOperation.WRITE));
            }
            case INGEST -> {
                for (String write : List.of(t.transfers(), t.approvals(), t.delegations(), t.balances(), t.heads())) {
                    ops.put(write, Set.of(AclOperation.WRITE));
                }
                ops.put(t.wallets(), Set.of(AclOperation.READ));
            }
            case RELAY -> {
                ops.put(t.alerts(), Set.of(AclOperation.READ));
                ops.put(t.incidents(), Set.of(AclOperation.READ));
            }
        }
        return ops;
    }

    /** Every access problem of each role, or one {@code ok} line per role. */
    public List<Finding> full(List<Needs> roles, Topics topics) throws TimeoutException {
        List<Finding> findings = new ArrayList<>();
        for (Needs needs : roles) {
            List<String> problems = problems(needs, topics);
            String who = needs.role().id();
            if (problems.isEmpty()) {
                findings.add(new Finding(Level.OK, who + ": this client may read and write what the role does"));
            } else {
                problems.forEach(p -> findings.add(new Finding(Level.FAIL, who + ": " + p + "; " + FIX)));
            }
        }
        return findings;
    }

    /**
     * The start-up check: the first access problem as one line, or {@code null} when there is none (or the
     * cluster did not answer in time: the role's clients then say what they are refused).
     */
    public @Nullable String startProblem(Needs needs, Topics topics) {
        try {
            List<String> problems = problems(needs, topics);
            return problems.isEmpty() ? null : needs.role().id() + ": " + problems.getFirst() + "; " + FIX;
        } catch (TimeoutException e) {
            return null;
        }
    }

    private List<String> problems(Needs needs, Topics topics) throws TimeoutException {
        List<String> problems = new ArrayList<>();
        Map<String, Set<AclOperation>> wanted = topicOperations(needs.role(), topics);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                        wanted.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        List<String> undescribable = new ArrayList<>();
        Map<AclOperation, List<String>> lacking = new LinkedHashMap<>();
        for (Map.Entry<String, Set<AclOperation>> want : wanted.entrySet()) {
            KafkaFuture<TopicDescription> future = described.get(want.getKey());
            if (future == null) {
                continue;
            }
            try {
                @Nullable Set<AclOperation> allowed = await(future, deadline).authorizedOperations();
                if (allowed == null) {
                    continue; // the broker did not say: nothing to judge
                }
                for (AclOperation op : want.getValue()) {
                    if (!allowed.contains(op) && !allowed.contains(AclOperation.ALL)) {
                        lacking.computeIfAbsent(op, o -> new ArrayList<>()).add(want.getKey());
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    undescribable.add(want.getKey());
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("describe topic " + want.getKey(), e);
                }
            }
        }
        if (!undescribable.isEmpty()) {
            problems.add("not authorized to describe topic" + plural(undescribable) + " "
                    + String.join(", ", undescribable) + " (no ACL for this client on them)");
        }
        lacking.forEach((op, names) ->
                problems.add("no " + op.name() + " on topic" + plural(names) + " " + String.join(", ", names)));
        if (needs.group() != null) {
            groupProblem(needs.group(), deadline).ifPresent(problems::add);
        }
        if (needs.transactionalId() != null) {
            transactionalIdProblem(needs.transactionalId(), deadline).ifPresent(problems::add);
        }
        return problems;
    }

    private java.util.Optional<String> groupProblem(String group, long deadline) throws TimeoutException {
        try {
            ConsumerGroupDescription d = await(
                    admin.describeConsumerGroups(
                                    List.of(group),
                                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                            .describedGroups()
                            .get(group),
                    deadline);
            @Nullable Set<AclOperation> allowed = d.authorizedOperations();
            if (allowed != null && !allowed.contains(AclOperation.READ) && !allowed.contains(AclOperation.ALL)) {
                return java.util.Optional.of("no READ on group " + group);
            }
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                return java.util.Optional.of("no READ on group " + group);
            }
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return java.util.Optional.empty();
            }
            throw failure("describe group " + group, e);
        }
    }

    private java.util.Optional<String> transactionalIdProblem(String id, long deadline) throws TimeoutException {
        try {
            await(admin.describeTransactions(List.of(id)).description(id), deadline);
            return java.util.Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdAuthorizationException) {
                return java.util.Optional.of("no WRITE on transactional id " + id);
            }
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return java.util.Optional.empty(); // allowed to see it; no transaction under it yet
            }
            throw failure("describe transactional id " + id, e);
        }
    }

    private static <T> T await(@Nullable KafkaFuture<T> future, long deadline)
            throws ExecutionException, TimeoutException {
        Objects.requireNonNull(future, "the admin client answered for another resource");
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking access", e);
        }
    }

    private static IllegalStateException failure(String what, ExecutionException e) {
        return new IllegalStateException(
                "cannot " + what + ": "
                        + Objects.requireNonNullElse(e.getCause(), e).getMessage(),
                e);
    }

    private static String plural(List<String> names) {
        return names.size() == 1 ? "" : "s";
    }
}
