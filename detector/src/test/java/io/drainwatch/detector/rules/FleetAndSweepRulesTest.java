package io.drainwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetAndSweepRulesTest {
    private static final String DEST = "0x00000000000000000000000000000000000000ee";

    private static Payment pay(int wallet, long time, boolean fresh) {
        return new Payment(
                1,
                String.format("0x%040x", wallet),
                "retail",
                DEST,
                "ev" + wallet + "-" + time,
                "0xtx" + wallet,
                100,
                time,
                "native",
                BigInteger.TEN,
                18,
                100.0,
                fresh,
                false);
    }

    @Test
    void coordinatedSweepNeedsThreeDistinctWalletsWithinTheWindow() {
        RuleSettings rules = Fixtures.rules();
        CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.DestinationState.empty();
        List<Payment> seen = new ArrayList<>();
        CoordinatedSweepRule.Outcome last = null;
        for (Payment p : List.of(pay(1, 0, false), pay(1, 1000, false), pay(2, 2000, false))) {
            last = CoordinatedSweepRule.evaluate(p, seen, state, rules);
            assertThat(last.finding())
                    .as("two distinct wallets are not a sweep")
                    .isEmpty();
            state = last.state();
            seen.add(p);
        }
        last = CoordinatedSweepRule.evaluate(pay(3, 3000, false), seen, state, rules);
        assertThat(last.finding())
                .hasValueSatisfying(f -> assertThat(f.summary()).startsWith("3 watched wallets"));
        assertThat(last.implicated())
                .extracting(Payment::wallet)
                .containsExactly(
                        String.format("0x%040x", 1),
                        String.format("0x%040x", 1),
                        String.format("0x%040x", 2),
                        String.format("0x%040x", 3));

        CoordinatedSweepRule.Outcome outside =
                CoordinatedSweepRule.evaluate(pay(3, 31 * 60_000 + 3000, false), seen, state, rules);
        assertThat(outside.finding())
                .as("earlier payers fell out of the 30-minute window")
                .isEmpty();
    }

    @Test
    void freshDestinationsNeedFewerWallets() {
        RuleSettings rules = Fixtures.rules();
        CoordinatedSweepRule.Outcome first = CoordinatedSweepRule.evaluate(
                pay(1, 0, true), List.of(), CoordinatedSweepRule.DestinationState.empty(), rules);
        assertThat(first.finding()).isEmpty();
        assertThat(CoordinatedSweepRule.evaluate(pay(2, 1000, true), List.of(pay(1, 0, true)), first.state(), rules)
                        .finding())
                .isPresent();
    }

    @Test
    void freshDestinationWeighsMoreOnlyWithinTheWindowItWasFreshIn() {
        RuleSettings rules = Fixtures.rules();
        CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.evaluate(
                        pay(1, 0, true), List.of(), CoordinatedSweepRule.DestinationState.empty(), rules)
                .state();
        long later = 2 * 60 * 60_000;
        state = CoordinatedSweepRule.evaluate(pay(2, later, false), List.of(), state, rules)
                .state();
        assertThat(CoordinatedSweepRule.evaluate(pay(3, later + 1000, false), List.of(), state, rules)
                        .finding())
                .as("two wallets two hours after the address was fresh: the threshold is 3 again")
                .isEmpty();
    }

    @Test
    void destinationStateStaysBoundedHoweverManyPaymentsAndPayers() {
        RuleSettings rules = Fixtures.rules();
        CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.DestinationState.empty();
        for (int i = 0; i < 200; i++) {
            state = CoordinatedSweepRule.evaluate(pay(1, i * 1000L, false), List.of(), state, rules)
                    .state();
        }
        assertThat(state.payers().get(String.format("0x%040x", 1)).eventIds())
                .hasSize(CoordinatedSweepRule.MAX_EVENTS_PER_PAYER)
                .last()
                .isEqualTo("ev1-199000");

        CoordinatedSweepRule.Outcome last = null;
        for (int i = 1; i <= 600; i++) {
            last = CoordinatedSweepRule.evaluate(pay(i, 200_000 + i * 100L, false), List.of(), state, rules);
            state = last.state();
        }
        assertThat(state.payers()).hasSize(CoordinatedSweepRule.MAX_PAYERS);
        assertThat(last.finding())
                .hasValueSatisfying(f -> assertThat(f.summary())
                        .startsWith("At least " + CoordinatedSweepRule.MAX_PAYERS + " watched wallets"));
    }

    @Test
    void destinationStateExpiresOnceItsPayersLeftTheWindowAndItsGrace() {
        RuleSettings rules = Fixtures.rules();
        CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.evaluate(
                        pay(1, 0, true), List.of(), CoordinatedSweepRule.DestinationState.empty(), rules)
                .state();
        state = CoordinatedSweepRule.evaluate(pay(2, 10 * 60_000, false), List.of(), state, rules)
                .state();
        assertThat(CoordinatedSweepRule.expired(state, 69 * 60_000, g -> rules)).isFalse();
        assertThat(CoordinatedSweepRule.expired(state, 70 * 60_000 + 1, g -> rules))
                .isTrue();
    }

    @Test
    void surgeThresholdIsTheLargerOfTheMinimumAndTenTimesNormal() {
        RuleSettings rules = Fixtures.rules();
        assertThat(FleetSurgeRule.threshold(0, rules)).isEqualTo(5);
        assertThat(FleetSurgeRule.threshold(2, rules)).isEqualTo(20);
        assertThat(FleetSurgeRule.surging(4, 0, rules)).isFalse();
        assertThat(FleetSurgeRule.surging(5, 0, rules)).isTrue();
        assertThat(FleetSurgeRule.learn(0, 10, 1)).isEqualTo(1.0);
        assertThat(FleetSurgeRule.learn(1.0, 0, 3)).isLessThan(1.0);
    }

    @Test
    void fleetOpensOneIncidentAtTheFifthWalletAndCountsATransferFlaggedTwiceOnce() {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        FleetState state = FleetState.empty();
        for (int i = 1; i <= 4; i++) {
            FleetStateMachine.Transition change = members.drain(state, signal(i, "balance-drain", 1000.0), rules, 0);
            assertThat(change.incident()).isEmpty();
            state = change.state();
            state = members.drain(state, signal(i, "unauthorized-outflow", 1000.0), rules, 0)
                    .state();
        }
        FleetStateMachine.Transition fifth = members.drain(state, signal(5, "balance-drain", 1000.0), rules, 0);
        assertThat(fifth.incident()).contains(AlertStatus.FIRING);
        assertThat(members.map).hasSize(5);
        var record = io.drainwatch.detector.alert.IncidentRecords.toRecord(
                "retail", fifth.state().incident(), AlertStatus.FIRING, 0, 0);
        assertThat(record.getWalletsDrained()).isEqualTo(5);
        assertThat(record.getValueLostUsd())
                .as("one transfer flagged by two rules is lost once")
                .isEqualTo(5000.0);
        assertThat(record.getDestinations())
                .singleElement()
                .satisfies(d -> assertThat(d.getWallets()).isEqualTo(5));
        assertThat(record.getRules()).containsEntry("balance-drain", 5).containsEntry("unauthorized-outflow", 4);

        FleetStateMachine.Transition again = members.drain(fifth.state(), signal(5, "balance-drain", 1000.0), rules, 0);
        assertThat(again.incident())
                .as("the same evidence again changes nothing")
                .isEmpty();
        FleetStateMachine.Transition sixth = members.drain(fifth.state(), signal(6, "balance-drain", 1000.0), rules, 1);
        assertThat(sixth.incident()).contains(AlertStatus.UPDATED);
        assertThat(sixth.state().incident().walletsDrained()).isEqualTo(6);

        FleetStateMachine.Transition retracted =
                members.drain(sixth.state(), retract(signal(6, "balance-drain", 1000.0)), rules, 2);
        assertThat(retracted.state().incident().walletsDrained()).isEqualTo(5);
        assertThat(retracted.state().incident().valueLostUsd()).isEqualTo(5000.0);

        assertThat(members.tick(retracted.state(), 29 * 60_000, 30 * 60_000).incident())
                .isEmpty();
        assertThat(members.tick(retracted.state(), 30 * 60_000 + 2, 30 * 60_000).incident())
                .contains(AlertStatus.RESOLVED);
        assertThat(members.map).as("members forgotten with the incident").isEmpty();
    }

    @Test
    void secondWaveAfterAResolvedIncidentOpensOneAtTheThresholdTheGroupHadBeforeTheAttack() {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        // a group that loses about one wallet a window to ordinary mishaps: the threshold is 10
        FleetState state = new FleetState(java.util.Map.of(), 1.0, 1, 0, null, 0);
        Wave attack = wave(state, 1000, 30, WINDOW, rules, members);
        assertThat(attack.openedAt()).isEqualTo(10);
        FleetStateMachine.Transition resolved = members.tick(attack.state(), Long.MAX_VALUE / 2, 30 * 60_000);
        assertThat(resolved.incident()).contains(AlertStatus.RESOLVED);

        Wave second = wave(resolved.state(), 2000, 30, 2 * WINDOW, rules, members);
        assertThat(second.openedAt())
                .as("the 30 wallets of the first attack are not the group's normal")
                .isEqualTo(10);

        Wave fresh = wave(FleetState.empty(), 1000, 20, WINDOW, rules, members);
        assertThat(fresh.openedAt()).isEqualTo(5);
        FleetState quiet =
                members.tick(fresh.state(), Long.MAX_VALUE / 2, 30 * 60_000).state();
        assertThat(wave(quiet, 2000, 5, 2 * WINDOW, rules, members).openedAt()).isEqualTo(5);
    }

    @Test
    void surgeIsJudgedAgainstTheNormalLearnedUpToNowWithoutTheWalletsOfTheSurge() {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        FleetState busy = new FleetState(java.util.Map.of(), 2.0, 0, 0, null, 0);
        assertThat(wave(busy, 1000, 5, 144 * WINDOW, rules, members).openedAt())
                .as("a normal of two a window, a day ago, has faded")
                .isEqualTo(5);

        // threshold 6; five wallets at the end of one window, the sixth in the next
        FleetState state = new FleetState(java.util.Map.of(), 0.6, 0, 0, null, 0);
        Wave late = wave(state, 3000, 5, WINDOW - 6000, rules, members);
        assertThat(late.openedAt()).isZero();
        assertThat(wave(late.state(), 3005, 1, WINDOW + 1000, rules, members).openedAt())
                .as("the five drained just before do not count as normal")
                .isEqualTo(1);
    }

    private static final long WINDOW = 10 * 60_000;

    /** The state after {@code count} wallets drained a second apart from {@code start}, and which opened an incident. */
    record Wave(FleetState state, int openedAt) {}

    private static Wave wave(FleetState state, int firstWallet, int count, long start, RuleSettings rules, Members m) {
        int openedAt = 0;
        for (int i = 0; i < count; i++) {
            DrainSignal s = new DrainSignal(
                    "retail",
                    1,
                    String.format("0x%040x", firstWallet + i),
                    "balance-drain",
                    "balance-drain" + (firstWallet + i),
                    "ev" + (firstWallet + i),
                    DEST,
                    100.0,
                    start + i * 1000L,
                    false,
                    Severity.HIGH);
            FleetStateMachine.Transition change = m.drain(state, s, rules, start + i * 1000L);
            if (change.incident().filter(AlertStatus.FIRING::equals).isPresent()) {
                openedAt = i + 1;
            }
            state = change.state();
        }
        return new Wave(state, openedAt);
    }

    @Test
    void incidentStateStaysSmallWhateverTheNumberOfWallets() throws Exception {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        FleetState state = FleetState.empty();
        for (int i = 1; i <= 5000; i++) {
            state = members.drain(state, signal(i, "balance-drain", 10.0), rules, i)
                    .state();
        }
        assertThat(state.incident().walletsDrained()).isEqualTo(5000);
        byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(state);
        assertThat(json.length)
                .as("one changelog record, far below Kafka's 1 MB limit")
                .isLessThan(200_000);
    }

    private static DrainSignal retract(DrainSignal s) {
        return new DrainSignal(
                s.custodyGroup(),
                s.chainId(),
                s.wallet(),
                s.rule(),
                s.alertId(),
                s.eventId(),
                s.destination(),
                s.usd(),
                s.blockTime(),
                true,
                s.severity());
    }

    /** Incident members in a map, changed as each transition says. */
    static final class Members implements FleetStateMachine.Members {
        final java.util.Map<String, FleetState.DrainedWallet> map = new java.util.HashMap<>();

        @Override
        public FleetState.DrainedWallet get(String wallet) {
            return map.get(wallet);
        }

        FleetStateMachine.Transition drain(FleetState state, DrainSignal s, RuleSettings rules, long now) {
            return apply(FleetStateMachine.onDrain(state, "retail", s, rules, now, this));
        }

        FleetStateMachine.Transition tick(FleetState state, long now, long quiet) {
            return apply(FleetStateMachine.onTick(state, now, quiet));
        }

        private FleetStateMachine.Transition apply(FleetStateMachine.Transition t) {
            for (FleetStateMachine.MemberChange change : t.members()) {
                switch (change) {
                    case FleetStateMachine.MemberChange.Put put ->
                        map.put(put.wallet().wallet(), put.wallet());
                    case FleetStateMachine.MemberChange.Delete delete -> map.remove(delete.wallet());
                    case FleetStateMachine.MemberChange.Clear clear -> map.clear();
                }
            }
            return t;
        }
    }

    @Test
    void lowDrainsCountTowardsTheSurgeAndAreRaisedWithTheIncidentTheyOpen() {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        FleetState state = FleetState.empty();
        for (int i = 1; i <= 4; i++) {
            FleetStateMachine.Transition t = members.drain(state, low(i), rules, 0);
            assertThat(t.incident()).isEmpty();
            assertThat(t.escalations()).isEmpty();
            state = t.state();
        }
        FleetStateMachine.Transition fifth = members.drain(state, low(5), rules, 0);
        assertThat(fifth.incident()).contains(AlertStatus.FIRING);
        String incidentId = fifth.state().incident().incidentId();
        assertThat(fifth.escalations())
                .as("every low alert the incident opened on is raised to its severity")
                .extracting(FleetStateMachine.Escalation::alertId)
                .containsExactly(
                        "balance-drain1", "balance-drain2", "balance-drain3", "balance-drain4", "balance-drain5");
        assertThat(fifth.escalations()).allSatisfy(e -> {
            assertThat(e.incidentId()).isEqualTo(incidentId);
            assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
        });

        FleetStateMachine.Transition sixth = members.drain(fifth.state(), low(6), rules, 1);
        assertThat(sixth.incident()).contains(AlertStatus.UPDATED);
        assertThat(sixth.state().incident().latestWallets()).contains(String.format("0x%040x", 6));
        assertThat(sixth.escalations())
                .singleElement()
                .satisfies(e -> assertThat(e.alertId()).isEqualTo("balance-drain6"));
        assertThat(members.drain(sixth.state(), low(6), rules, 2).escalations())
                .as("the same evidence again raises nothing twice")
                .isEmpty();
        assertThat(members.drain(sixth.state(), signal(7, "balance-drain", 5000.0), rules, 2)
                        .escalations())
                .as("a high alert pages by itself and keeps its severity")
                .isEmpty();
    }

    @Test
    void lowDrainsSpreadOutFurtherThanTheWindowOpenNothing() {
        RuleSettings rules = Fixtures.rules();
        Members members = new Members();
        FleetState state = FleetState.empty();
        for (int i = 1; i <= 4; i++) {
            state = members.drain(state, low(i), rules, 0).state();
        }
        DrainSignal late = new DrainSignal(
                "retail",
                1,
                String.format("0x%040x", 99),
                "balance-drain",
                "balance-drain99",
                "ev99",
                DEST,
                150.0,
                4 * 12_000 + WINDOW + 1,
                false,
                Severity.LOW);
        FleetStateMachine.Transition t = members.drain(state, late, rules, 0);
        assertThat(t.incident()).as("the first four left the window").isEmpty();
        assertThat(t.state().recent()).containsOnlyKeys(late.wallet());
    }

    private static DrainSignal low(int wallet) {
        return new DrainSignal(
                "retail",
                1,
                String.format("0x%040x", wallet),
                "balance-drain",
                "balance-drain" + wallet,
                "ev" + wallet,
                String.format("0x%040x", 0xf000 + wallet),
                150.0,
                wallet * 12_000L,
                false,
                Severity.LOW);
    }

    private static DrainSignal signal(int wallet, String rule, Double usd) {
        return new DrainSignal(
                "retail",
                1,
                String.format("0x%040x", wallet),
                rule,
                rule + wallet,
                "ev" + wallet,
                DEST,
                usd,
                wallet * 12_000L,
                false,
                Severity.HIGH);
    }
}
