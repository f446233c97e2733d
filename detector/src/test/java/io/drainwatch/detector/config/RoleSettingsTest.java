package io.drainwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layered settings of the ingest and relay roles, read the same way as the detector's. */
class RoleSettingsTest {
    @TempDir
    Path dir;

    @Test
    void everyRolesDefaultsAreAcceptedKeysWithValidValues() {
        for (Role role : Role.values()) {
            Settings settings = ConfigLayers.settings(role, null, Map.of(), Map.of(), Map.of());
            assertThat(settings.port("metrics.port")).as(role.id()).isPositive();
        }
        assertThat(ConfigLayers.settings(Role.INGEST, null, Map.of(), Map.of(), Map.of())
                        .port("metrics.port"))
                .isEqualTo(9401);
        assertThat(ConfigLayers.settings(Role.RELAY, null, Map.of(), Map.of(), Map.of())
                        .port("metrics.port"))
                .isEqualTo(9402);
    }

    @Test
    void layersApplyInOrderDefaultsFileEnvironmentOptionsSet() throws IOException {
        Path file = dir.resolve("relay.properties");
        Files.writeString(file, "relay.repost-interval=2m\nrelay.max-backoff=10s\nrelay.group-id=from-file\n");
        Map<String, String> env =
                Map.of("DRAINWATCH_RELAY_MAX__BACKOFF", "5s", "DRAINWATCH_RELAY_GROUP__ID", "from-env");
        Settings settings = ConfigLayers.settings(
                Role.RELAY,
                file,
                env,
                Map.of("relay.group-id", "from-option", "relay.request-timeout", "3s"),
                Map.of("relay.request-timeout", "4s"));
        assertThat(settings.duration("relay.repost-interval")).hasMinutes(2);
        assertThat(settings.duration("relay.max-backoff")).hasSeconds(5);
        assertThat(settings.string("relay.group-id")).isEqualTo("from-option");
        assertThat(settings.duration("relay.request-timeout")).hasSeconds(4);
    }

    @Test
    void theExistingVariablesMapMechanicallyOntoTheirRolesKeys() {
        Map<String, String> env = Map.of(
                "DRAINWATCH_RPC_URLS", "https://node.example/KEY",
                "DRAINWATCH_WS_URL", "wss://node.example/KEY",
                "DRAINWATCH_ALERTMANAGER_URLS", "http://am:9093",
                "DRAINWATCH_RUNBOOK_BASE_URL", "https://runbooks.example",
                "DRAINWATCH_DASHBOARD_URL", "https://grafana.example",
                "DRAINWATCH_BOOTSTRAP_SERVERS", "kafka:9092",
                "DRAINWATCH_KAFKA_GROUP_INSTANCE_ID", "pod-0");
        assertThat(ConfigLayers.environment(Role.INGEST, env))
                .as("ingest takes its own variables and leaves the other roles' to them")
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("rpc.urls", "https://node.example/KEY", "ws.url", "wss://node.example/KEY"));
        assertThat(ConfigLayers.environment(Role.RELAY, env))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "alertmanager.urls", "http://am:9093",
                        "runbook.base.url", "https://runbooks.example",
                        "dashboard.url", "https://grafana.example"));
        assertThat(ConfigLayers.environment(Role.DETECT, env))
                .containsExactlyInAnyOrderEntriesOf(Map.of("kafka.group.instance.id", "pod-0"));
    }

    @Test
    void aKeyNoRoleReadsStopsStartUpNamingIt() {
        assertThatThrownBy(() -> ConfigLayers.settings(
                        Role.INGEST, null, Map.of("DRAINWATCH_INGEST_POLL_INTERVAL", "1s"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ingest.poll.interval: not a drainwatch ingest setting;")
                .hasMessageContaining("__ stands for -");
        assertThatThrownBy(() -> ConfigLayers.settings(
                        Role.RELAY, null, Map.of(), Map.of(), Map.of("relay.repost-intervall", "1m")))
                .hasMessageStartingWith("relay.repost-intervall: not a drainwatch relay setting;");
        assertThatThrownBy(() -> ConfigLayers.settings(
                        Role.RELAY, null, Map.of(), Map.of(), Map.of("relay.explorer.mainnet", "https://x")))
                .hasMessageContaining("numeric chain id");
        assertThatThrownBy(() -> ConfigLayers.settings(
                        Role.INGEST, null, Map.of(), Map.of(), Map.of("rules.balance-drain.min-usd", "1")))
                .as("a detector key in the ingest role's own layers is a mistake, not a shared setting")
                .hasMessageStartingWith("rules.balance-drain.min-usd: not a drainwatch ingest setting");
    }

    @Test
    void metricsPortMeansTheSameInEveryRole() {
        for (Role role : Role.values()) {
            assertThat(ConfigLayers.settings(role, null, Map.of(), Map.of("metrics.port", "0"), Map.of())
                            .port("metrics.port"))
                    .isZero();
            assertThat(ConfigLayers.settings(role, null, Map.of(), Map.of("metrics.port", "-1"), Map.of())
                            .port("metrics.port"))
                    .isEqualTo(-1);
            assertThatThrownBy(() -> ConfigLayers.settings(role, null, Map.of(), Map.of("metrics.port", "-2"), Map.of())
                            .port("metrics.port"))
                    .hasMessage(
                            "metrics.port: '-2' is not a port; accepted: 1-65535, 0 picks a free port, -1 serves none");
        }
    }
}
