package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.Severity;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mass sweeps shaped like real custodial fleets (heavy-tailed small balances, one fresh address per
 * victim) through the production topology with its default thresholds: every victim must be named by
 * a page, the incident must be open by the fifth victim, and the custodian's own traffic must never
 * page. Seeds 11-13 are the ones the rules were developed against; {@link HeldOutSweepScenarioTest}
 * holds seeds they were not.
 */
class MassSweepScenarioTest {
    @TempDir
    Path stateDir;

    static Stream<Arguments> attacks() {
        return Stream.of(11L, 12L, 13L).flatMap(seed -> Stream.of(8, 40, 300).map(n -> Arguments.of(seed, n)));
    }

    @ParameterizedTest(name = "seed {0}, {1} victims")
    @MethodSource("attacks")
    void everyVictimIsNamedTheIncidentOpensByTheFifthAndLookAlikesNeverPage(long seed, int victims) {
        check(SweepScenario.Parameters.attack(seed, victims));
    }

    @ParameterizedTest(name = "seed {0}, {1} victims, no gas funder")
    @MethodSource("attacks")
    void sameWithoutAGasFunder(long seed, int victims) {
        check(SweepScenario.Parameters.attack(seed, victims).withoutFunder());
    }

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {11, 12, 13})
    void theCustodiansOwnTrafficAloneRaisesNoPageAndNoIncident(long seed) {
        try (SweepRun run = new SweepRun(stateDir, Map.of())) {
            SweepRun.Result r = run.run(SweepScenario.generate(SweepRun.START, SweepScenario.Parameters.benign(seed)));
            System.out.println("benign " + r.line());
            assertThat(r.falsePages())
                    .as("pages and incidents from look-alikes")
                    .isEmpty();
            assertThat(run.alerts)
                    .as("no drain at all: consolidations and withdrawals to paid-before addresses are legitimate")
                    .noneSatisfy(a -> assertThat(a.getRule()).isEqualTo("balance-drain"));
        }
    }

    @Test
    void smallVictimsAlertLowUntilTheIncidentOpensAndAreThenRaisedUnderTheSameAlertIdToTheirEnd() {
        try (SweepRun run = new SweepRun(stateDir, Map.of())) {
            SweepScenario scenario = SweepScenario.generate(
                    SweepRun.START, SweepScenario.Parameters.attack(11, 12).withoutFunder());
            SweepRun.Result r = run.run(scenario);
            assertThat(r.openedAtVictim()).isEqualTo(5);
            String incidentId = run.incidents.get(0).getIncidentId();
            java.util.List<DrainAlert> drains = run.alerts.stream()
                    .filter(a -> a.getRule().equals("balance-drain"))
                    .toList();
            java.util.List<DrainAlert> low = drains.stream()
                    .filter(a -> a.getStatus() == AlertStatus.FIRING && a.getSeverity() == Severity.LOW)
                    .toList();
            assertThat(low).as("small victims alert low first").isNotEmpty();
            for (DrainAlert first : low) {
                assertThat(drains).as("alert %s raised", first.getAlertId()).anySatisfy(a -> {
                    assertThat(a.getAlertId()).isEqualTo(first.getAlertId());
                    assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
                    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                    assertThat(a.getIncidentId()).isEqualTo(incidentId);
                    assertThat(a.getVersion()).isGreaterThan(first.getVersion());
                });
            }
            assertThat(drains.stream()
                            .filter(a -> a.getStatus() == AlertStatus.FIRING)
                            .map(DrainAlert::getAlertId))
                    .as("one alert per victim, never a second one")
                    .doesNotHaveDuplicates()
                    .hasSize(12);
            assertThat(low.size())
                    .as("only victims before the incident opened alert low")
                    .isLessThan(5);
            assertThat(drains)
                    .filteredOn(a -> a.getStatus() == AlertStatus.FIRING && a.getSeverity() != Severity.LOW)
                    .filteredOn(a -> a.getIncidentId() != null)
                    .as("later small victims fire at the incident's severity, naming it")
                    .isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL));

            run.advance(java.time.Duration.ofMinutes(31));
            java.util.Map<String, java.util.List<DrainAlert>> byId = run.alerts.stream()
                    .filter(a -> a.getRule().equals("balance-drain"))
                    .collect(java.util.stream.Collectors.groupingBy(
                            DrainAlert::getAlertId,
                            java.util.LinkedHashMap::new,
                            java.util.stream.Collectors.toList()));
            byId.forEach((id, records) -> {
                assertThat(records)
                        .as("records of %s, in the order written", id)
                        .extracting(DrainAlert::getVersion)
                        .isSorted()
                        .doesNotHaveDuplicates();
                DrainAlert last = records.get(records.size() - 1);
                assertThat(last.getStatus()).as("%s resolves when quiet", id).isEqualTo(AlertStatus.RESOLVED);
                if (records.stream().anyMatch(a -> a.getIncidentId() != null)) {
                    assertThat(last.getSeverity())
                            .as("%s stays at the incident's severity to its end", id)
                            .isEqualTo(Severity.CRITICAL);
                    assertThat(last.getIncidentId()).isEqualTo(incidentId);
                }
            });
        }
    }

    private void check(SweepScenario.Parameters parameters) {
        try (SweepRun run = new SweepRun(stateDir, Map.of())) {
            SweepRun.Result r = run.run(SweepScenario.generate(SweepRun.START, parameters));
            System.out.println("tuning " + r.line());
            assertThat(r.unnamed()).as("victims named by no page").isEmpty();
            assertThat(r.openedAtVictim())
                    .as("victim at which the incident opened")
                    .isBetween(1, 5);
            assertThat(r.falsePages())
                    .as("pages naming the custodian's own traffic")
                    .isEmpty();
            assertThat(r.incidentIds()).as("one incident for one sweep").isEqualTo(1);
            if (r.scenario().funded().size() >= 3) {
                assertThat(r.sweptWhenFunderFired())
                        .as("common-funder fires on the top-ups, before the first sweep")
                        .isZero();
                assertThat(run.alerts)
                        .filteredOn(a -> a.getRule().equals("common-funder"))
                        .allSatisfy(a -> {
                            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                            assertThat(a.getSubject()).isEqualTo(SweepScenario.FUNDER);
                        })
                        .last()
                        .satisfies(a -> assertThat(a.getWallets())
                                .as("every funded wallet named")
                                .containsExactlyInAnyOrderElementsOf(
                                        r.scenario().funded()));
            } else {
                assertThat(run.alerts).noneSatisfy(a -> assertThat(a.getRule()).isEqualTo("common-funder"));
            }
        }
    }
}
