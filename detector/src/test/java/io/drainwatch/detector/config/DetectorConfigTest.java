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
}
