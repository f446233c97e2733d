package io.drainwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorConfigTest {

    @Test
    void defaultsAreValidAndMatchTheRuleCatalogue() {
        DetectorConfig config = DetectorConfig.withOverrides(Map.of(), "localhost:9092");
        RuleSettings rules = config.rules("any-group");
        assertThat(rules.drainMaxRemainingFraction()).isEqualTo(0.01);
        assertThat(rules.drainMinUsd()).isEqualTo(1000);
        assertThat(rules.sweepMinWallets()).isEqualTo(3);
        assertThat(rules.sweepWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(rules.surgeMinWallets()).isEqualTo(5);
        assertThat(rules.surgeNormalMultiplier()).isEqualTo(10);
        assertThat(config.topics().transfers()).isEqualTo("chain.transfers");
        assertThat(config.blockOrderMaxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.kafka())
                .containsEntry(
                        "num.stream.threads",
                        Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(DetectorConfig.withOverrides(Map.of("kafka.num.stream.threads", "1"), "x:1")
                        .kafka())
                .containsEntry("num.stream.threads", "1");
    }

    @Test
    void groupOverridesApplyToTheirGroupOnly() {
        DetectorConfig config = DetectorConfig.withOverrides(
                Map.of("group.treasury.rules.balance-drain.min-usd", "50000"), "localhost:9092");
        assertThat(config.rules("treasury").drainMinUsd()).isEqualTo(50000);
        assertThat(config.rules("retail").drainMinUsd()).isEqualTo(1000);
    }

    @Test
    void badValuesStopStartUpNamingTheKeyAndWhatIsAccepted() {
        assertThatThrownBy(
                        () -> DetectorConfig.withOverrides(Map.of("rules.balance-drain.window", "ten minutes"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rules.balance-drain.window:")
                .hasMessageContaining("accepted: 500ms, 30s, 10m");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(
                        Map.of("group.vip.rules.coordinated-sweep.min-wallets", "0"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("group.vip.rules.coordinated-sweep.min-wallets:");
        assertThatThrownBy(
                        () -> DetectorConfig.withOverrides(Map.of("detector.block-order.max-wait", "a while"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("detector.block-order.max-wait:")
                .hasMessageContaining("accepted: 500ms, 30s, 10m");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(
                        Map.of("rules.denylisted-counterparty.categories", "sanctioned,pirate"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'pirate' is not accepted; accepted: attacker, bridge, drainer");
        assertThatThrownBy(() ->
                        DetectorConfig.withOverrides(Map.of("kafka.processing.guarantee", "at_least_once"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka.processing.guarantee: is set by drainwatch and cannot be changed");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(Map.of("metrics.port", "70000"), "x:1"))
                .hasMessageStartingWith("metrics.port:");
    }

    @Test
    void environmentVariablesMapMechanicallyOntoKeys() {
        Map<String, String> env = ConfigLayers.environment(Map.of(
                "DRAINWATCH_RULES_BALANCE__DRAIN_MIN__USD", "2500",
                "DRAINWATCH_KAFKA_STATE_DIR", "/var/lib/drainwatch",
                "DRAINWATCH_BOOTSTRAP_SERVERS", "not-a-setting:9092",
                "HOME", "/root"));
        assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("rules.balance-drain.min-usd", "2500", "kafka.state.dir", "/var/lib/drainwatch"));
    }

    @Test
    void laterLayersWin() {
        Map<String, String> merged = ConfigLayers.merge(
                ConfigLayers.defaults(), Map.of("alerts.resolve-after", "5m"), Map.of("alerts.resolve-after", "1h"));
        assertThat(DetectorConfig.from(merged, "x:1").alertResolveAfter()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aMisspeltKeyStopsStartUpInsteadOfBeingIgnored() {
        assertThatThrownBy(() -> DetectorConfig.withOverrides(Map.of("rules.balance-drain.min-usdd", "5000"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rules.balance-drain.min-usdd: not a drainwatch setting;")
                .hasMessageContaining("group.<custody group>.rules.<rule>.<setting>");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(
                        Map.of("group.treasury.rules.balance-drian.min-usd", "50000"), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "group.treasury.rules.balance-drian.min-usd: 'rules.balance-drian.min-usd' is not a rule setting;")
                .hasMessageContaining(
                        "accepted: rules.balance-drain.enabled, rules.balance-drain.max-remaining-fraction");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(Map.of("topic.transfer", "eth.transfers"), "x:1"))
                .hasMessageStartingWith("topic.transfer: unknown topic role; accepted: alerts, allowlist, approvals");
        assertThatThrownBy(() -> DetectorConfig.withOverrides(Map.of("alerts.resolve.after", "1h"), "x:1"))
                .hasMessageStartingWith("alerts.resolve.after: not a drainwatch setting;");
    }

    @Test
    void everyKindOfKeyTheDetectorReadsIsAccepted() {
        DetectorConfig config = DetectorConfig.withOverrides(
                Map.of(
                        "kafka.commit.interval.ms", "200",
                        "topic.transfers", "eth.transfers",
                        "explorer.10.tx", "https://optimistic.etherscan.io/tx/{tx}",
                        "group.eu.retail.rules.balance-drain.min-usd", "2500",
                        "group.eu.rules.balance-drain.min-usd", "7500"),
                "x:1");
        assertThat(config.kafka()).containsEntry("commit.interval.ms", "200");
        assertThat(config.topics().transfers()).isEqualTo("eth.transfers");
        assertThat(config.txLink(10, "0xab")).contains("https://optimistic.etherscan.io/tx/0xab");
        assertThat(config.rules("eu.retail").drainMinUsd())
                .as("a group name with a dot")
                .isEqualTo(2500);
        assertThat(config.rules("eu").drainMinUsd()).isEqualTo(7500);
        assertThat(config.rules("retail").drainMinUsd()).isEqualTo(1000);
    }

    @Test
    void environmentVariablesOfOtherRolesAreNotSettings() {
        Map<String, String> env = ConfigLayers.environment(Map.of(
                "DRAINWATCH_ALERTMANAGER_URLS", "http://am:9093",
                "DRAINWATCH_RPC_URLS", "https://node.example/KEY",
                "DRAINWATCH_RULES_BALANCE__DRAIN_MIN__USD", "2500"));
        assertThat(env).containsOnlyKeys("rules.balance-drain.min-usd");
        assertThat(DetectorConfig.from(ConfigLayers.merge(ConfigLayers.defaults(), env), "x:1")
                        .rules("retail")
                        .drainMinUsd())
                .isEqualTo(2500);
    }

    @Test
    void anUnknownDrainwatchVariableStopsStartUpAndTheTestToolsVariablesAreNotDrainwatchVariables() {
        Map<String, String> env = ConfigLayers.environment(Map.of("DRAINWATCH_ANVIL", "/opt/anvil"));
        assertThatThrownBy(() -> DetectorConfig.from(ConfigLayers.merge(ConfigLayers.defaults(), env), "x:1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("anvil: not a drainwatch setting");
        assertThat(ConfigLayers.environment(Map.of("DW_TOOL_ANVIL", "/opt/anvil", "DW_TOOL_SOLCJS", "/opt/solc")))
                .as("bin/tools/*.sh export DW_TOOL_*, which a shell that ran them passes to every role")
                .isEmpty();
    }

    @Test
    void defaultsPointAtNoLocalService() {
        assertThat(ConfigLayers.defaults())
                .as("the product's defaults: a local node or explorer belongs to a test or the demo, set there")
                .allSatisfy((key, value) -> assertThat(value).doesNotContain("127.0.0.1", "localhost", "8545"))
                .doesNotContainKeys("explorer.31337.tx", "explorer.31337.address");
        DetectorConfig config = DetectorConfig.withOverrides(Map.of(), "x:1");
        assertThat(config.txLink(31337, "0xab")).isEmpty();
        assertThat(config.txLink(1, "0xab")).contains("https://etherscan.io/tx/0xab");
    }
}
