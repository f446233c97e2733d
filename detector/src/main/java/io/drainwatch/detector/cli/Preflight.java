package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.AccessCheck;
import io.drainwatch.detector.embedded.TopicCheck;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/** The start-up check of a role: its topics and its access to them, before anything else starts. */
final class Preflight {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Preflight() {}

    /** The command that creates drainwatch's topics on the cluster at {@code bootstrapServers}. */
    static String fixCommand(String bootstrapServers) {
        return "drainwatch topics create --bootstrap-servers " + bootstrapServers;
    }

    /**
     * Stops with {@link StartupProblem} when a topic the role needs is missing or mis-partitioned, or
     * when this client may not read or write what the role does (its topics, group, transactional id).
     */
    static void check(
            AccessCheck.Needs needs, Topics topics, Map<String, Object> clientProperties, String bootstrapServers) {
        @Nullable String problem;
        try (Admin admin = Admin.create(clientProperties)) {
            problem = new TopicCheck(admin, TIMEOUT, fixCommand(bootstrapServers)).startProblem(needs.role(), topics);
            if (problem == null) {
                problem = new AccessCheck(admin, TIMEOUT).startProblem(needs, topics);
            }
        }
        if (problem != null) {
            throw new StartupProblem(problem);
        }
    }

    /** A role cannot start; the message is the one line that says why and what fixes it. */
    static final class StartupProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartupProblem(String message) {
            super(message, null, false, false);
        }
    }
}
