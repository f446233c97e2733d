package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same mass sweeps as {@link MassSweepScenarioTest} on seeds that were never looked at while the
 * rules and their defaults were chosen: a check that the defaults were not fitted to the tuning seeds.
 */
class HeldOutSweepScenarioTest {
    @TempDir
    Path stateDir;

    static Stream<Arguments> attacks() {
        return Stream.of(4242L, 90_210L)
                .flatMap(seed -> Stream.of(8, 40, 300)
                        .flatMap(n -> Stream.of(Arguments.of(seed, n, true), Arguments.of(seed, n, false))));
    }

    @ParameterizedTest(name = "held-out seed {0}, {1} victims, gas funder {2}")
    @MethodSource("attacks")
    void everyVictimIsNamedTheIncidentOpensByTheFifthAndLookAlikesNeverPage(long seed, int victims, boolean funder) {
        SweepScenario.Parameters p = SweepScenario.Parameters.attack(seed, victims);
        try (SweepRun run = new SweepRun(stateDir, Map.of())) {
            SweepRun.Result r = run.run(SweepScenario.generate(SweepRun.START, funder ? p : p.withoutFunder()));
            System.out.println("held-out " + r.line());
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
                        .as("common-funder fires before the first sweep")
                        .isZero();
            }
        }
    }

    @ParameterizedTest(name = "held-out seed {0}")
    @ValueSource(longs = {4242, 90_210})
    void theCustodiansOwnTrafficAloneRaisesNoPageAndNoIncident(long seed) {
        try (SweepRun run = new SweepRun(stateDir, Map.of())) {
            SweepRun.Result r = run.run(SweepScenario.generate(SweepRun.START, SweepScenario.Parameters.benign(seed)));
            System.out.println("held-out benign " + r.line());
            assertThat(r.falsePages())
                    .as("pages and incidents from look-alikes")
                    .isEmpty();
        }
    }
}
