package io.drainwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.alert.DrainSignal;
import io.drainwatch.detector.alert.FleetState;
import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.AlertStatus;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetAndSweepRulesTest {
  private static final String DEST = "0x00000000000000000000000000000000000000ee";

  private static Payment pay(int wallet, long time, boolean fresh) {
    return new Payment(1, String.format("0x%040x", wallet), "retail", DEST, "ev" + wallet + "-" + time, "0xtx" + wallet, 100, time, "native", BigInteger.TEN, 18, 100.0, fresh, false);
  }

  @Test
  void coordinatedSweepNeedsThreeDistinctWalletsWithinTheWindow() {
    RuleSettings rules = Fixtures.rules();
    CoordinatedSweepRule.DestinationState state = CoordinatedSweepRule.DestinationState.empty();
    List<Payment> seen = new ArrayList<>();
    CoordinatedSweepRule.Outcome last = null;
    for (Payment p : List.of(pay(1, 0, false), pay(1, 1000, false), pay(2, 2000, false))) {
      last = CoordinatedSweepRule.evaluate(p, seen, state, rules);
      assertThat(last.finding()).as("two distinct wallets are not a sweep").isEmpty();
      state = last.state();
      seen.add(p);
    }
    last = CoordinatedSweepRule.evaluate(pay(3, 3000, false), seen, state, rules);
    assertThat(last.finding()).hasValueSatisfying(f -> assertThat(f.summary()).startsWith("3 watched wallets"));
    assertThat(last.implicated()).extracting(Payment::wallet).containsExactly(String.format("0x%040x", 1), String.format("0x%040x", 1), String.format("0x%040x", 2), String.format("0x%040x", 3));

    CoordinatedSweepRule.Outcome outside = CoordinatedSweepRule.evaluate(pay(3, 31 * 60_000 + 3000, false), seen, state, rules);
    assertThat(outside.finding()).as("earlier payers fell out of the 30-minute window").isEmpty();
  }

  @Test
  void freshDestinationsNeedFewerWallets() {
    RuleSettings rules = Fixtures.rules();
    CoordinatedSweepRule.Outcome first = CoordinatedSweepRule.evaluate(pay(1, 0, true), List.of(), CoordinatedSweepRule.DestinationState.empty(), rules);
    assertThat(first.finding()).isEmpty();
    assertThat(CoordinatedSweepRule.evaluate(pay(2, 1000, true), List.of(pay(1, 0, true)), first.state(), rules).finding()).isPresent();
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
    FleetState state = FleetState.empty();
    for (int i = 1; i <= 4; i++) {
      FleetState.Change change = state.onDrain("retail", signal(i, "balance-drain", 1000.0), rules, 0);
      assertThat(change.incident()).isEmpty();
      state = change.state();
      state = state.onDrain("retail", signal(i, "unauthorized-outflow", 1000.0), rules, 0).state();
    }
    FleetState.Change fifth = state.onDrain("retail", signal(5, "balance-drain", 1000.0), rules, 0);
    assertThat(fifth.incident()).contains(AlertStatus.FIRING);
    assertThat(fifth.state().incident().wallets()).hasSize(5);
    var record = io.drainwatch.detector.alert.IncidentRecords.toRecord("retail", fifth.state().incident(), AlertStatus.FIRING, 0, 0);
    assertThat(record.getValueLostUsd()).as("one transfer flagged by two rules is lost once").isEqualTo(5000.0);
    assertThat(fifth.state().onTick(29 * 60_000, 30 * 60_000).incident()).isEmpty();
    assertThat(fifth.state().onTick(30 * 60_000, 30 * 60_000).incident()).contains(AlertStatus.RESOLVED);
  }

  private static DrainSignal signal(int wallet, String rule, Double usd) {
    return new DrainSignal("retail", 1, String.format("0x%040x", wallet), rule, rule + wallet, "ev" + wallet, DEST, usd, wallet * 12_000L, false);
  }
}
