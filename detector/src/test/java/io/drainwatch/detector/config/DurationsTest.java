package io.drainwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void everyRoleReadsUnitsAndIso8601() {
        assertThat(Durations.positive("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.positive("k", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.positive("k", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.positive("k", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.positive("k", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.positive("k", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.positive("k", "PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.positive("k", "pt0.2s")).isEqualTo(Duration.ofMillis(200));
        assertThat(Durations.positive("k", " 30s ")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aValueInNoFormNamesTheKeyAndTheForms() {
        for (String bad : new String[] {"soon", "5", "5 sec", "ms", "5x", "PT", "1e400s"}) {
            assertThatThrownBy(() -> Durations.positive("relay.repost-interval", bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("relay.repost-interval: '" + bad + "' is not a duration; accepted: " + Durations.FORMS);
        }
        assertThatThrownBy(() -> Durations.positive("ingest.poll-interval", "0s"))
                .hasMessageStartingWith("ingest.poll-interval: '0s' is not a positive duration; accepted: 500ms");
        assertThatThrownBy(() -> Durations.positive("ingest.poll-interval", "-PT1S"))
                .hasMessageStartingWith("ingest.poll-interval: '-PT1S' is not a positive duration");
    }
}
