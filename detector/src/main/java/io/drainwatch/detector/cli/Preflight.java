package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicCheck;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/** The start-up topic check of a role: one describeTopics call before anything else starts. */
final class Preflight {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Preflight() {}

    /** The command that creates drainwatch's topics on the cluster at {@code bootstrapServers}. */
    static String fixCommand(String bootstrapServers) {
        return "drainwatch topics create --bootstrap-servers " + bootstrapServers;
    }

    /** Stops with {@link StartupProblem} when a topic {@code role} needs is missing or mis-partitioned. */
    static void topics(Role role, Topics topics, Map<String, Object> clientProperties, String bootstrapServers) {
        @Nullable String problem;
        try (Admin admin = Admin.create(clientProperties)) {
            problem = new TopicCheck(admin, TIMEOUT, fixCommand(bootstrapServers)).startProblem(role, topics);
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
