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
    }

    @Test
    void theFleetSpansSeveralCustodyGroupsAndTheAttackHitsOne() {
        List<WatchedWallet> wallets = scenario.referenceData(T).stream()
                .filter(r -> r.target() == FeedRecord.Target.WALLETS)
                .map(r -> (WatchedWallet) r.value())
                .toList();
        assertThat(wallets).hasSize(3000);
        assertThat(wallets.stream().map(WatchedWallet::getCustodyGroup).distinct())
                .containsExactlyInAnyOrder("retail", "treasury");
        Map<String, String> groupOf =
                wallets.stream().collect(Collectors.toMap(WatchedWallet::getAddress, WatchedWallet::getCustodyGroup));
        assertThat(truth.swept())
                .hasSize(150)
                .allSatisfy(s -> assertThat(groupOf.get(s.address())).isEqualTo("retail"));
        assertThat(truth.benign()).hasSize(3000 - 150 - 1).doesNotContainAnyElementsOf(truth.sweptAddresses());
    }

    @Test
    void everySweptWalletIsLeftWithAtMostOnePercentOfEachAssetAtAFreshAttackerAddressAndNoSignature() {
        Set<String> signed = signedTxs();
        Map<String, List<TransferEvent>> outflows =
                transfers().stream().collect(Collectors.groupingBy(TransferEvent::getFrom));
        for (GroundTruth.SweptWallet swept : truth.swept()) {
            List<TransferEvent> out = outflows.get(swept.address());
            assertThat(out).as("outflows of %s", swept.address()).isNotEmpty().allSatisfy(t -> {
                assertThat(truth.attackerDestinations()).contains(t.getTo());
                assertThat(t.getRecipientFresh()).isTrue();
                assertThat(signed).doesNotContain(t.getTxHash());
                assertThat(t.getSenderBalanceAfter())
                        .isLessThanOrEqualTo(t.getSenderBalanceBefore().divide(BigDecimal.valueOf(100)));
                assertThat(t.getSenderBalanceBefore().subtract(t.getAmount())).isEqualTo(t.getSenderBalanceAfter());
            });
        }
        assertThat(truth.attackerDestinations()).hasSize(3);
        assertThat(truth.swept().stream()
                        .mapToDouble(GroundTruth.SweptWallet::usdValue)
                        .min()
                        .orElseThrow())
                .isGreaterThan(1000);
    }

    @Test
    void tokenOnlyWalletsGetGasFromTheAttackerBeforeTheirSweep() {
        Map<String, Integer> topUpBlock = new HashMap<>();
        for (ScenarioBlock block : scenario.blocks()) {
            block.moves().stream()
                    .filter(m -> m.from().equals(truth.attackerFunder()))
                    .forEach(m -> topUpBlock.put(m.to(), block.index()));
        }
        List<GroundTruth.SweptWallet> tokenOnly = truth.swept().stream()
                .filter(GroundTruth.SweptWallet::tokenOnly)
                .toList();
        assertThat(tokenOnly).hasSizeGreaterThan(10);
        assertThat(tokenOnly)
                .allSatisfy(s -> assertThat(topUpBlock.get(s.address())).isLessThan(s.block()));
        assertThat(topUpBlock).hasSameSizeAs(tokenOnly);
    }

    @Test
    void theAttackStartsWithOneWalletPerBlockThenSpeedsUpAndBenignTrafficRunsThroughout() {
        assertThat(truth.swept().subList(0, 6))
                .extracting(GroundTruth.SweptWallet::block)
                .doesNotHaveDuplicates();
        assertThat(truth.swept().get(149).block() - truth.swept().get(0).block())
                .isBetween(20, 60);
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
                .containsExactlyInAnyOrder(CounterpartyKind.OWN_HOT, CounterpartyKind.USER_WITHDRAWAL);
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
                .hasMessageContaining("at least 375 wallets");
    }
}
