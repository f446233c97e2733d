package io.drainwatch.detector.cli;

import io.drainwatch.detector.chain.ChainWriter;
import io.drainwatch.detector.chain.RpcUrl;
import io.drainwatch.detector.chain.TraceMode;
import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.AccessCheck;
import io.drainwatch.detector.embedded.TopicCheck;
import io.drainwatch.detector.relay.AlertmanagerClient;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
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
            "tables, replicated, and this client allowed to read and write what the role does (topics, group,",
            "transactional id); that the JSON-RPC nodes serve the chain and the calls ingest makes; that the",
            "Alertmanagers answer with the relay's credentials. Exit code 0 when every checked role can start,",
            "1 when something is missing, 2 for usage or configuration errors."
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

    @Option(
            names = "--application-id",
            defaultValue = "drainwatch-detector",
            description = "The detector's application.id: its group and transactional ids (default ${DEFAULT-VALUE}).")
    String applicationId = "drainwatch-detector";

    @Option(
            names = "--group-id",
            defaultValue = "drainwatch-relay",
            description = "The relay's consumer group (default ${DEFAULT-VALUE}).")
    String relayGroup = "drainwatch-relay";

    @Option(
            names = "--rpc-url",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_RPC_URLS}",
            description = "JSON-RPC nodes ingest reads (default: DRAINWATCH_RPC_URLS, which keeps API keys off the"
                    + " command line); asked for the chain id, the head, eth_getBlockReceipts and traces.")
    List<String> rpcUrls = new ArrayList<>();

    @Option(
            names = "--chain-id",
            paramLabel = "ID",
            defaultValue = "${env:DRAINWATCH_CHAIN_ID}",
            description =
                    "The chain ingest is set for: checked against the nodes, and names ingest's transactional id.")
    @Nullable
    Long chainId;

    @Option(
            names = "--trace",
            paramLabel = "MODE",
            defaultValue = "debug",
            description = "The trace mode ingest runs with: debug, parity or none (default ${DEFAULT-VALUE}).")
    String trace = "debug";

    @Option(
            names = "--alertmanager-url",
            split = ",",
            paramLabel = "URL",
            defaultValue = "${env:DRAINWATCH_ALERTMANAGER_URLS}",
            description = "Alertmanagers the relay posts to (default: DRAINWATCH_ALERTMANAGER_URLS); asked for their"
                    + " status with the credentials in the URL.")
    List<String> alertmanagerUrls = new ArrayList<>();

    @Override
    public Integer call() {
        Topics topics = kafka.topics();
        List<Role> roles = switch (role) {
            case DETECT -> List.of(Role.DETECT);
            case INGEST -> List.of(Role.INGEST);
            case RELAY -> List.of(Role.RELAY);
            case ALL -> List.of(Role.DETECT, Role.INGEST, Role.RELAY);
        };
        TraceMode mode = traceMode();
        List<RpcUrl> nodes = rpcUrls.stream()
                .filter(u -> !u.isBlank())
                .map(u -> RpcUrl.parse("--rpc-url", u, "http", "https"))
                .toList();
        List<URI> alertmanagers = alertmanagerUrls.stream()
                .filter(u -> !u.isBlank())
                .map(u -> RpcUrl.parse("--alertmanager-url", u, "http", "https").uri())
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        List<TopicCheck.Finding> findings = new ArrayList<>();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<TopicCheck.Finding> cluster =
                    new TopicCheck(admin, timeout, Preflight.fixCommand(kafka.bootstrapServers())).full(roles, topics);
            findings.add(
                    new TopicCheck.Finding(TopicCheck.Level.OK, "Kafka at " + kafka.bootstrapServers() + " answers"));
            findings.addAll(cluster);
            findings.addAll(new AccessCheck(admin, timeout)
                    .full(roles.stream().map(this::needs).toList(), topics));
        } catch (TimeoutException e) {
            findings.add(new TopicCheck.Finding(
                    TopicCheck.Level.FAIL,
                    "Kafka at " + kafka.bootstrapServers() + " did not answer within " + timeout));
        }
        if (roles.contains(Role.INGEST)) {
            if (nodes.isEmpty()) {
                findings.add(new TopicCheck.Finding(
                        TopicCheck.Level.WARN, "ingest: no node checked (give --rpc-url or DRAINWATCH_RPC_URLS)"));
            } else {
                findings.addAll(new NodeCheck(timeout).check(nodes, chainId, mode));
            }
        }
        if (roles.contains(Role.RELAY)) {
            if (alertmanagers.isEmpty()) {
                findings.add(new TopicCheck.Finding(
                        TopicCheck.Level.WARN,
                        "relay: no Alertmanager checked (give --alertmanager-url or DRAINWATCH_ALERTMANAGER_URLS)"));
            } else {
                for (AlertmanagerClient.Status status : new AlertmanagerClient(alertmanagers, timeout).status()) {
                    findings.add(new TopicCheck.Finding(
                            status.up() ? TopicCheck.Level.OK : TopicCheck.Level.FAIL,
                            "Alertmanager " + status.alertmanager() + ": " + status.detail()));
                }
            }
        }
        findings.forEach(f -> out.println(f.line()));
        out.flush();
        return findings.stream().anyMatch(f -> f.level() == TopicCheck.Level.FAIL) ? 1 : 0;
    }

    private AccessCheck.Needs needs(Role r) {
        return switch (r) {
            case DETECT -> new AccessCheck.Needs(r, applicationId, applicationId + "-preflight");
            case INGEST ->
                new AccessCheck.Needs(r, null, chainId == null ? null : ChainWriter.transactionalId(chainId));
            case RELAY -> new AccessCheck.Needs(r, relayGroup, null);
        };
    }

    private TraceMode traceMode() {
        for (TraceMode m : TraceMode.values()) {
            if (m.name().equalsIgnoreCase(trace)) {
                return m;
            }
        }
        throw new ConfigException("--trace", "'" + trace + "' is not accepted; accepted: debug, parity, none");
    }
}
