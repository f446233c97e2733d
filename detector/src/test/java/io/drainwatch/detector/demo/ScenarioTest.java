package io.drainwatch.detector.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private final Scenario scenario = Scenario.generate(ScenarioParameters.defaults());
    private final GroundTruth truth = scenario.truth();

    private List<TransferEvent> transfers() {
        return scenario.blocks().stream()
                .flatMap(b -> b.chainRecords(T).stream())
                .filter(r -> r.target() == FeedRecord.Target.TRANSFERS)
                .map(r -> (TransferEvent) r.value())
                .toList();
    }

    private Set<String> signedTxs() {
        return scenario.blocks().stream()
                .flatMap(b -> b.signed().stream())
                .map(ScenarioBlock.Signed::txHash)
                .collect(Collectors.toSet());
    }

    @Test
    void theSameSeedGivesTheSameScenarioAndAnotherSeedAnotherOne() {
        Scenario again = Scenario.generate(ScenarioParameters.defaults());
        assertThat(again.referenceData(T)).isEqualTo(scenario.referenceData(T));
        assertThat(again.blocks()).isEqualTo(scenario.blocks());
        Scenario other = Scenario.generate(ScenarioParameters.defaults().withSeed(7));
        assertThat(other.truth().sweptAddresses()).isNotEqualTo(truth.sweptAddresses());
        assertThat(other.wallets().get(0).opening())
                .isNotEqualTo(scenario.wallets().get(0).opening());
    }

    @Test
    void theFleetSpansThreeCustodyGroupsAndEachAttackShapeHitsItsOwn() {
        List<WatchedWallet> wallets = scenario.referenceData(T).stream()
                .filter(r -> r.target() == FeedRecord.Target.WALLETS)
                .map(r -> (WatchedWallet) r.value())
                .toList();
        assertThat(wallets).hasSize(3000);
        assertThat(wallets.stream().map(WatchedWallet::getCustodyGroup).distinct())
                .containsExactlyInAnyOrder("retail", "pro", "treasury");
        Map<String, String> groupOf =
                wallets.stream().collect(Collectors.toMap(WatchedWallet::getAddress, WatchedWallet::getCustodyGroup));
        assertThat(truth.victims(Attack.MASS_SWEEP))
                .hasSize(120)
                .allSatisfy(s -> assertThat(groupOf.get(s.address())).isEqualTo("retail"));
        assertThat(truth.victims(Attack.SWEEP))
                .hasSize(60)
                .allSatisfy(s -> assertThat(groupOf.get(s.address())).isEqualTo("pro"));
        assertThat(truth.victims(Attack.APPROVAL)).hasSize(3);
        assertThat(truth.victims(Attack.DELEGATION)).hasSize(3);
        assertThat(truth.victims(Attack.DRIP)).hasSize(1);
        assertThat(truth.swept())
                .filteredOn(s ->
                        s.attack() == Attack.APPROVAL || s.attack() == Attack.DELEGATION || s.attack() == Attack.DRIP)
                .allSatisfy(s -> assertThat(groupOf.get(s.address())).isEqualTo("treasury"));
        assertThat(truth.benign())
                .hasSize(3000 - truth.swept().size() - 1)
                .doesNotContainAnyElementsOf(truth.sweptAddresses());
        assertThat(truth.lookAlikes().keySet()).containsExactlyInAnyOrderElementsOf(Attack.defaults());
        truth.lookAlikes().values().forEach(set -> assertThat(truth.benign()).containsAll(set));
    }

    @Test
    void balancesAreHeavyTailedMostWalletsHoldLessThanTheValueThresholdAndAFewHoldALot() {
        double[] values = scenario.wallets().stream()
                .mapToDouble(w -> w.opening().entrySet().stream()
                        .mapToDouble(e -> e.getKey().usd(e.getValue()))
                        .sum())
                .sorted()
                .toArray();
        double median = values[values.length / 2];
        long below = java.util.Arrays.stream(values).filter(v -> v < 1000).count();
        assertThat(median).as("median wallet value in USD").isBetween(50.0, 1000.0);
        assertThat(below).as("wallets under $1,000").isGreaterThan(values.length * 6L / 10);
        assertThat(java.util.Arrays.stream(values).filter(v -> v >= 100_000).count())
                .as("wallets of $100,000 or more")
                .isPositive();
        long tokenOnly = scenario.wallets().stream()
                .filter(w ->
                        w.opening().keySet().stream().noneMatch(a -> a.symbol().equals("ETH")))
                .count();
        assertThat(tokenOnly).as("token-only wallets").isBetween(300L, 900L);
        assertThat(truth.victims(Attack.MASS_SWEEP).stream()
                        .filter(s -> s.usdValue() < 1000)
                        .count())
                .as("mass-swept wallets under the value threshold")
                .isGreaterThan(truth.victims(Attack.MASS_SWEEP).size() / 2);
    }

    @Test
    void everySweptWalletIsLeftWithAtMostOnePercentOfEachAssetAtAFreshAttackerAddressAndNoSignature() {
        Set<String> signed = signedTxs();
        Map<String, List<TransferEvent>> outflows =
                transfers().stream().collect(Collectors.groupingBy(TransferEvent::getFrom));
        for (GroundTruth.SweptWallet swept : truth.swept()) {
            if (swept.attack() != Attack.SWEEP && swept.attack() != Attack.MASS_SWEEP) {
                continue;
            }
            List<TransferEvent> out = outflows.get(swept.address());
            assertThat(out).as("outflows of %s", swept.address()).isNotEmpty().allSatisfy(t -> {
                assertThat(t.getTo()).isEqualTo(swept.destination());
                assertThat(t.getRecipientFresh()).isTrue();
                assertThat(signed).doesNotContain(t.getTxHash());
                assertThat(t.getSenderBalanceAfter())
                        .isLessThanOrEqualTo(t.getSenderBalanceBefore().divide(BigDecimal.valueOf(100)));
                assertThat(t.getSenderBalanceBefore().subtract(t.getAmount())).isEqualTo(t.getSenderBalanceAfter());
            });
        }
        assertThat(truth.attackerDestinations()).hasSize(3);
        assertThat(truth.victims(Attack.SWEEP))
                .allSatisfy(s -> assertThat(truth.attackerDestinations()).contains(s.destination()));
    }

    @Test
    void theMassSweepSendsEachSmallWalletToItsOwnFreshAddress() {
        List<GroundTruth.SweptWallet> mass = truth.victims(Attack.MASS_SWEEP);
        assertThat(mass.stream().map(GroundTruth.SweptWallet::destination).distinct())
                .as("one destination per victim")
                .hasSize(mass.size());
        Map<String, Set<String>> sendersTo = new HashMap<>();
        transfers()
                .forEach(t -> sendersTo
                        .computeIfAbsent(t.getTo(), d -> new HashSet<>())
                        .add(t.getFrom()));
        assertThat(mass)
                .allSatisfy(s -> assertThat(sendersTo.get(s.destination()))
                        .as("who pays %s", s.destination())
                        .containsExactly(s.address()));
    }

    @Test
    void tokenOnlyWalletsOfTheMassSweepGetGasFromOneAttackerAddressBeforeTheirSweep() {
        Map<String, Integer> topUpBlock = new HashMap<>();
        for (ScenarioBlock block : scenario.blocks()) {
            block.moves().stream()
                    .filter(m -> m.from().equals(truth.attackerFunder()))
                    .forEach(m -> topUpBlock.put(m.to(), block.index()));
        }
        List<GroundTruth.SweptWallet> tokenOnly = truth.swept().stream()
                .filter(s -> s.attack() == Attack.MASS_SWEEP || s.attack() == Attack.SWEEP)
                .filter(GroundTruth.SweptWallet::tokenOnly)
                .toList();
        assertThat(tokenOnly).hasSizeGreaterThan(10);
        assertThat(tokenOnly)
                .allSatisfy(s -> assertThat(topUpBlock.get(s.address()))
                        .as("gas top-up block of %s", s.address())
                        .isLessThan(s.block()));
        assertThat(topUpBlock).hasSameSizeAs(tokenOnly);
    }

    @Test
    void theApprovalDelegationAndDripShapesAndTheirLookAlikesAreOnTheChain() {
        List<ScenarioBlock.Approval> approvals =
                scenario.blocks().stream().flatMap(b -> b.approvals().stream()).toList();
        Set<String> approvalVictims = truth.victims(Attack.APPROVAL).stream()
                .map(GroundTruth.SweptWallet::address)
                .collect(Collectors.toSet());
        assertThat(approvals).extracting(ScenarioBlock.Approval::owner).containsAll(approvalVictims);
        assertThat(transfers())
                .filteredOn(t -> approvalVictims.contains(t.getFrom()))
                .isNotEmpty()
                .allSatisfy(t -> assertThat(t.getTxFrom()).isNotEqualTo(t.getFrom()));
        Set<String> signed = signedTxs();
        assertThat(approvals)
                .filteredOn(a -> truth.lookAlikes().get(Attack.APPROVAL).contains(a.owner()))
                .singleElement()
                .satisfies(a -> assertThat(signed).contains(a.txHash()));
        List<ScenarioBlock.Delegation> delegations = scenario.blocks().stream()
                .flatMap(b -> b.delegations().stream())
                .toList();
        assertThat(delegations).hasSize(4);
        String drip = truth.victims(Attack.DRIP).get(0).address();
        List<TransferEvent> drips =
                transfers().stream().filter(t -> t.getFrom().equals(drip)).toList();
        assertThat(drips).hasSizeGreaterThanOrEqualTo(6);
        assertThat(drips.stream().map(TransferEvent::getTo).distinct()).hasSize(1);
        assertThat(drips.get(0).getAmount().doubleValue()
                        / drips.get(0).getSenderBalanceBefore().doubleValue())
                .isBetween(0.09, 0.16);
    }

    @Test
    void theAttackStartsWithOneWalletPerBlockThenSpeedsUpAndBenignTrafficRunsThroughout() {
        for (Attack shape : List.of(Attack.SWEEP, Attack.MASS_SWEEP)) {
            assertThat(truth.victims(shape).subList(0, 6))
                    .extracting(GroundTruth.SweptWallet::block)
                    .as(shape.id())
                    .doesNotHaveDuplicates();
        }
        Set<String> signed = signedTxs();
        long benignBlocks = scenario.blocks().stream()
                .filter(b -> b.moves().stream().anyMatch(m -> signed.contains(m.txHash())))
                .count();
        assertThat(benignBlocks).isGreaterThanOrEqualTo(scenario.blocks().size() - 1);
        assertThat(scenario.blocks().size()).isLessThan(80);
    }

    @Test
    void benignTrafficIncludesConsolidationsToTheHotWalletAndAWholeBalanceWithdrawalToAnAllowlistedAddress() {
        List<FeedRecord> reference = scenario.referenceData(T);
        Map<String, CounterpartyKind> allowed = new HashMap<>();
        reference.stream()
                .filter(r -> r.target() == FeedRecord.Target.ALLOWLIST)
                .map(r -> (AllowedCounterparty) r.value())
                .forEach(a -> allowed.put(a.getAddress(), a.getKind()));
        List<TransferEvent> benign = transfers().stream()
                .filter(t -> truth.benign().contains(t.getFrom()))
                .toList();
        assertThat(benign).allSatisfy(t -> assertThat(signedTxs()).contains(t.getTxHash()));
        List<TransferEvent> emptying = benign.stream()
                .filter(t -> t.getSenderBalanceAfter()
                                .compareTo(t.getSenderBalanceBefore().divide(BigDecimal.valueOf(100)))
                        <= 0)
                .toList();
        assertThat(emptying.stream().map(t -> allowed.get(t.getTo())).collect(Collectors.toSet()))
                .contains(CounterpartyKind.OWN_HOT, CounterpartyKind.USER_WITHDRAWAL);
        assertThat(emptying.stream()
                        .filter(t -> allowed.get(t.getTo()) == CounterpartyKind.OWN_HOT)
                        .count())
                .isGreaterThan(30);
        Set<String> repeatedDestinations = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (TransferEvent t : benign) {
            if (!seen.add(t.getFrom() + ">" + t.getTo())) {
                repeatedDestinations.add(t.getTo());
            }
        }
        assertThat(repeatedDestinations).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void oneSignedOutflowGoesToAnAddressLabelledSanctioned() {
        GroundTruth.SanctionedOutflow sanctioned = truth.sanctioned();
        AddressLabel label = scenario.referenceData(T).stream()
                .filter(r -> r.target() == FeedRecord.Target.LABELS)
                .map(r -> (AddressLabel) r.value())
                .filter(l -> l.getAddress().equals(sanctioned.destination()))
                .findFirst()
                .orElseThrow();
        assertThat(label.getCategory()).isEqualTo(LabelCategory.SANCTIONED);
        assertThat(transfers())
                .filteredOn(t -> t.getTo().equals(sanctioned.destination()))
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.getFrom()).isEqualTo(sanctioned.wallet());
                    assertThat(t.getTxHash()).isEqualTo(sanctioned.txHash());
                    assertThat(t.getEventId()).startsWith("31337:0x").endsWith(":native");
                });
    }

    @Test
    void aFleetTooSmallForTheAttackIsRefusedWithTheSizeToUse() {
        assertThatThrownBy(() -> ScenarioParameters.defaults().withWallets(200))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 510 wallets");
    }
}
