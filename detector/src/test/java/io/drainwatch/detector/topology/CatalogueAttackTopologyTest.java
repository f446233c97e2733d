package io.drainwatch.detector.topology;

import static io.drainwatch.detector.topology.Chain.DOLLAR;
import static io.drainwatch.detector.topology.Chain.ETH;
import static io.drainwatch.detector.topology.Chain.USDC;
import static io.drainwatch.detector.topology.Chain.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack shapes of the later rules of the catalogue (approvals, EIP-7702 delegations, drained funds reaching
 * an exchange, ...) and their benign look-alikes, driven through the production topology.
 */
class CatalogueAttackTopologyTest {
    static final Instant START = Instant.parse("2026-06-11T03:00:00Z");
    static final String WALLET = address(0x101);
    static final String OTHER = address(0x102);
    static final String DRAINER_CONTRACT = address(0xd7);
    static final String ATTACKER_EOA = address(0xa1);
    static final String ATTACKER_RECEIVER = address(0xa2);
    static final String ROUTER = address(0x70);
    static final String SMART_ACCOUNT = address(0x71);
    static final String SWEEPER = address(0x5e);
    static final String EXCHANGE = address(0xe0);
    static final String BYSTANDER = address(0xb5);

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private final Chain chain = new Chain(START);
    private TopologyTestDriver driver;
    private TestOutputTopic<String, DrainAlert> alerts;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(String... overrides) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            settings.put(overrides[i], overrides[i + 1]);
        }
        settings.putIfAbsent("kafka.state.dir", stateDir.toString());
        DetectorConfig config = DetectorConfig.withOverrides(settings, "unused:9092");
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
        driver = new TopologyTestDriver(
                DetectorTopology.build(config, metrics, store -> {}),
                DetectorTopology.streamsProperties(config, metrics),
                START);
        alerts = driver.createOutputTopic(
                topics.alerts(),
                new StringDeserializer(),
                AvroSerde.of(DrainAlert.class).deserializer());
        for (String w : List.of(WALLET, OTHER)) {
            pipe(
                    topics.wallets(),
                    "1:" + w,
                    WatchedWallet.newBuilder()
                            .setChainId(1)
                            .setAddress(w)
                            .setCustodyGroup("retail")
                            .build());
        }
        for (String allowed : List.of(ROUTER, SMART_ACCOUNT)) {
            pipe(
                    topics.allowlist(),
                    "1:" + allowed + "/*",
                    AllowedCounterparty.newBuilder()
                            .setChainId(1)
                            .setAddress(allowed)
                            .setCustodyGroup("*")
                            .setKind(CounterpartyKind.OTHER)
                            .build());
        }
        pipe(
                topics.labels(),
                "*:" + EXCHANGE,
                AddressLabel.newBuilder()
                        .setAddress(EXCHANGE)
                        .setCategory(LabelCategory.EXCHANGE)
                        .setSource("test list")
                        .build());
        pipe(
                topics.prices(),
                "1:" + USDC,
                TokenPrice.newBuilder()
                        .setChainId(1)
                        .setAsset(USDC)
                        .setUsdPrice(1)
                        .setDecimals(6)
                        .setUpdatedAt(START)
                        .build());
        pipe(
                topics.prices(),
                "1:native",
                TokenPrice.newBuilder()
                        .setChainId(1)
                        .setAsset("native")
                        .setUsdPrice(3000)
                        .setDecimals(18)
                        .setUpdatedAt(START)
                        .build());
    }

    @SuppressWarnings("unchecked")
    private <V extends SpecificRecord> void pipe(String topic, String key, V value) {
        AvroSerde<V> serde = AvroSerde.of((Class<V>) value.getClass());
        driver.createInputTopic(topic, new StringSerializer(), serde.serializer())
                .pipeInput(key, value, START);
    }

    private void send(TransferEvent e) {
        driver.createInputTopic(topics.transfers(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("1:" + e.getFrom(), AvroSerde.of(TransferEvent.class).encode(e), e.getBlockTime());
    }

    private void send(ApprovalEvent a) {
        driver.createInputTopic(topics.approvals(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(
                        "1:" + a.getOwner(), AvroSerde.of(ApprovalEvent.class).encode(a), a.getBlockTime());
    }

    private void send(DelegationEvent d) {
        driver.createInputTopic(topics.delegations(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(
                        "1:" + d.getAuthority(),
                        AvroSerde.of(DelegationEvent.class).encode(d),
                        d.getBlockTime());
    }

    private void sign(String txHash, String from) {
        pipe(
                topics.signedTx(),
                "1:" + txHash,
                SignedTransaction.newBuilder()
                        .setChainId(1)
                        .setTxHash(txHash)
                        .setFrom(from)
                        .setSignedAt(START)
                        .build());
    }

    private static TransferEvent sentBy(TransferEvent e, String txFrom) {
        return TransferEvent.newBuilder(e).setTxFrom(txFrom).build();
    }

    private List<DrainAlert> of(String rule) {
        return alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals(rule))
                .toList();
    }

    @Test
    void unlimitedApprovalToADrainerIsHighAtItsBlockAndCriticalNamingTheSpenderWhenItMovesFunds() {
        start();
        chain.nextBlock();
        ApprovalEvent approval =
                GrantEvents.approval(chain, WALLET, DRAINER_CONTRACT, USDC, GrantEvents.MAX_UINT256, WALLET);
        send(approval);
        List<DrainAlert> first = of("unknown-approval");
        assertThat(first).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(a.getAlertId()).isEqualTo("unknown-approval:1:" + WALLET + ":" + approval.getBlockNumber());
            assertThat(a.getFirstBlock()).isEqualTo(approval.getBlockNumber());
            assertThat(a.getDestination()).isEqualTo(DRAINER_CONTRACT);
            assertThat(a.getSummary()).contains("unlimited");
            assertThat(a.getDescription())
                    .as("no signer log: no claim about the signer")
                    .contains("cannot tell")
                    .doesNotContain("has no record");
        });

        chain.nextBlock();
        BigInteger all = DOLLAR.multiply(BigInteger.valueOf(5_000));
        TransferEvent pulled = sentBy(chain.usdc(WALLET, ATTACKER_RECEIVER, all, all, BigInteger.ZERO), ATTACKER_EOA);
        send(pulled);
        List<DrainAlert> escalated = of("unknown-approval");
        assertThat(escalated).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
            assertThat(a.getAlertId()).isEqualTo(first.get(0).getAlertId());
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getSummary()).contains("0x0000…00d7");
            assertThat(a.getDescription()).contains(DRAINER_CONTRACT).contains(pulled.getTxHash());
            assertThat(a.getTxHashes()).containsExactly(approval.getTxHash(), pulled.getTxHash());
        });
    }

    @Test
    void anApprovalOrADelegationArrivingAfterTheOutflowsOfLaterBlocksGivesTheSameAlertsAsInBlockOrder() {
        chain.nextBlock();
        ApprovalEvent approval =
                GrantEvents.approval(chain, WALLET, DRAINER_CONTRACT, USDC, GrantEvents.MAX_UINT256, WALLET);
        DelegationEvent delegation = GrantEvents.delegation(chain, OTHER, SWEEPER, ATTACKER_EOA);
        chain.nextBlock();
        BigInteger all = DOLLAR.multiply(BigInteger.valueOf(5_000));
        TransferEvent pulled = sentBy(chain.usdc(WALLET, ATTACKER_RECEIVER, all, all, BigInteger.ZERO), ATTACKER_EOA);
        TransferEvent forward = sentBy(
                chain.transfer(
                        OTHER,
                        ATTACKER_RECEIVER,
                        TransferKind.INTERNAL,
                        "native",
                        ETH,
                        ETH.multiply(BigInteger.TWO),
                        ETH,
                        chain.nextTx()),
                ATTACKER_EOA);

        Set<String> inBlockOrder = grantAlerts("block-order", () -> {
            send(approval);
            send(delegation);
            send(pulled);
            send(forward);
        });
        Set<String> outflowsFirst = grantAlerts("outflows-first", () -> {
            send(forward);
            send(pulled);
            send(delegation);
            send(approval);
        });

        assertThat(inBlockOrder)
                .contains(
                        "unknown-approval:1:" + WALLET + ":" + approval.getBlockNumber() + " UPDATED CRITICAL",
                        "delegation:1:" + OTHER + ":" + delegation.getBlockNumber() + " FIRING CRITICAL");
        assertThat(outflowsFirst).isEqualTo(inBlockOrder);
    }

    /** The unknown-approval and delegation alerts (id, status, severity) that {@code play} raises in a fresh run. */
    private Set<String> grantAlerts(String run, Runnable play) {
        if (driver != null) {
            driver.close();
        }
        start("kafka.state.dir", stateDir.resolve(run).toString());
        play.run();
        Set<String> seen = new TreeSet<>();
        alerts.readValuesToList().stream()
                .filter(a ->
                        a.getRule().equals("unknown-approval") || a.getRule().equals("delegation"))
                .forEach(a -> seen.add(a.getAlertId() + " " + a.getStatus() + " " + a.getSeverity()));
        return seen;
    }

    @Test
    void limitedApprovalIsMediumAndGoesHighWhenTheSignerHasNoRecordAfterItsGrace() {
        start("rules.unauthorized-outflow.enabled", "true");
        chain.nextBlock();
        ApprovalEvent approval = GrantEvents.approval(
                chain, WALLET, DRAINER_CONTRACT, USDC, DOLLAR.multiply(BigInteger.valueOf(100)), WALLET);
        send(approval);
        assertThat(of("unknown-approval")).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(a.getDescription()).contains("no record of the transaction yet");
        });

        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(of("unknown-approval")).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
            assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(a.getDescription()).contains("has no record of that transaction");
        });
    }

    @Test
    void revokingTheApprovalResolvesItsAlert() {
        start();
        chain.nextBlock();
        send(GrantEvents.approval(chain, WALLET, DRAINER_CONTRACT, USDC, GrantEvents.MAX_UINT256, WALLET));
        chain.nextBlock();
        send(GrantEvents.approval(chain, WALLET, DRAINER_CONTRACT, USDC, BigInteger.ZERO, WALLET));
        assertThat(of("unknown-approval"))
                .extracting(DrainAlert::getStatus)
                .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
    }

    @Test
    void approvalTheCustodianSignedToAnAllowlistedRouterAndTheSwapThatUsesItRaiseNothing() {
        start("rules.unauthorized-outflow.enabled", "true");
        chain.nextBlock();
        ApprovalEvent approval = GrantEvents.approval(chain, WALLET, ROUTER, USDC, GrantEvents.MAX_UINT256, WALLET);
        sign(approval.getTxHash(), WALLET);
        send(approval);
        chain.nextBlock();
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(1_000));
        TransferEvent swap = sentBy(
                chain.usdc(
                        WALLET,
                        ROUTER,
                        amount,
                        amount.multiply(BigInteger.TEN),
                        amount.multiply(BigInteger.valueOf(9))),
                WALLET);
        sign(swap.getTxHash(), WALLET);
        send(swap);
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void delegationToASweeperIsCriticalAtItsBlockAndLaterForwardsJoinTheSameAlert() {
        start();
        chain.nextBlock();
        DelegationEvent delegation = GrantEvents.delegation(chain, WALLET, SWEEPER, ATTACKER_EOA);
        send(delegation);
        List<DrainAlert> first = of("delegation");
        assertThat(first).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getAlertId()).isEqualTo("delegation:1:" + WALLET + ":" + delegation.getBlockNumber());
            assertThat(a.getDestination()).isEqualTo(SWEEPER);
            assertThat(a.getDescription()).contains(SWEEPER).contains("zero address");
        });

        chain.nextBlock();
        TransferEvent forward = sentBy(
                chain.transfer(
                        WALLET,
                        ATTACKER_RECEIVER,
                        TransferKind.INTERNAL,
                        "native",
                        ETH,
                        ETH.multiply(BigInteger.TWO),
                        ETH,
                        chain.nextTx()),
                ATTACKER_EOA);
        send(forward);
        assertThat(of("delegation")).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
            assertThat(a.getAlertId()).isEqualTo(first.get(0).getAlertId());
            assertThat(a.getTxHashes()).containsExactly(delegation.getTxHash(), forward.getTxHash());
            assertThat(a.getSummary()).contains("forwarded");
        });

        chain.nextBlock();
        send(GrantEvents.delegation(chain, WALLET, "0x0000000000000000000000000000000000000000", WALLET));
        assertThat(of("delegation"))
                .singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
    }

    @Test
    void delegationToTheCustodiansAllowlistedSmartAccountRaisesNothing() {
        start();
        chain.nextBlock();
        send(GrantEvents.delegation(chain, WALLET, SMART_ACCOUNT, WALLET));
        chain.nextBlock();
        TransferEvent batched = sentBy(chain.eth(WALLET, ROUTER, ETH, ETH.multiply(BigInteger.TWO), ETH), WALLET);
        send(batched);
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void aDelegationTheChainReorganisedAwayIsRetracted() {
        start();
        chain.nextBlock();
        DelegationEvent delegation = GrantEvents.delegation(chain, OTHER, SWEEPER, ATTACKER_EOA);
        send(delegation);
        send(DelegationEvent.newBuilder(delegation).setRemoved(true).build());
        assertThat(of("delegation"))
                .extracting(DrainAlert::getStatus)
                .containsExactly(AlertStatus.FIRING, AlertStatus.RETRACTED);
        chain.nextBlock();
        send(sentBy(chain.eth(OTHER, ATTACKER_RECEIVER, ETH, ETH.multiply(BigInteger.TWO), ETH), OTHER));
        assertThat(of("delegation")).as("no delegation is open any more").isEmpty();
    }

    @Test
    void aGroupCanTurnTheDelegationRuleOff() {
        start("group.retail.rules.delegation.enabled", "false");
        chain.nextBlock();
        send(GrantEvents.delegation(chain, WALLET, SWEEPER, ATTACKER_EOA));
        assertThat(of("delegation")).isEmpty();
    }

    private TransferEvent drain(String wallet, String to) {
        chain.nextBlock();
        BigInteger all = DOLLAR.multiply(BigInteger.valueOf(20_000));
        TransferEvent drain = sentBy(chain.usdc(wallet, to, all, all, BigInteger.ZERO), wallet);
        send(drain);
        return drain;
    }

    @Test
    void drainedFundsReachingAnExchangeRaiseFundsExitNamingThePath() {
        start();
        TransferEvent drain = drain(WALLET, ATTACKER_RECEIVER);
        assertThat(of("balance-drain")).isNotEmpty();

        chain.nextBlock();
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(19_900));
        TransferEvent exit = sentBy(chain.usdc(ATTACKER_RECEIVER, EXCHANGE, amount, null, null), ATTACKER_RECEIVER);
        send(exit);
        assertThat(of("funds-exit")).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(a.getSubject()).isEqualTo(ATTACKER_RECEIVER);
            assertThat(a.getWallets()).containsExactly(WALLET);
            assertThat(a.getDestination()).isEqualTo(EXCHANGE);
            assertThat(a.getCustodyGroup()).isEqualTo("retail");
            assertThat(a.getAlertId()).isEqualTo("funds-exit:1:" + ATTACKER_RECEIVER + ":" + exit.getBlockNumber());
            assertThat(a.getDescription())
                    .contains(WALLET + " (group retail) → " + ATTACKER_RECEIVER + " in " + drain.getTxHash())
                    .contains("→ " + EXCHANGE + ", labelled exchange, in " + exit.getTxHash())
                    .contains("freeze");
        });
    }

    @Test
    void paymentsOfTaintedAddressesToUnlabelledAddressesAndOfCleanAddressesToExchangesRaiseNoFundsExit() {
        start();
        drain(WALLET, ATTACKER_RECEIVER);
        chain.nextBlock();
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(100));
        send(sentBy(chain.usdc(ATTACKER_RECEIVER, BYSTANDER, amount, null, null), ATTACKER_RECEIVER));
        send(sentBy(chain.usdc(BYSTANDER, EXCHANGE, amount, null, null), BYSTANDER));
        assertThat(of("funds-exit")).isEmpty();
    }

    @Test
    void aTaintExpiresAfterItsTimeToLive() {
        start("rules.funds-exit.taint-ttl", "1h");
        drain(WALLET, ATTACKER_RECEIVER);
        for (int i = 0; i < 301; i++) {
            chain.nextBlock(); // 12 s each: an hour later
        }
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(19_900));
        send(sentBy(chain.usdc(ATTACKER_RECEIVER, EXCHANGE, amount, null, null), ATTACKER_RECEIVER));
        assertThat(of("funds-exit")).isEmpty();
    }

    @Test
    void aWalletDrainedInSmallStepsToOneUnknownAddressIsAlertedBeforeItIsEmpty() {
        start();
        BigInteger left = DOLLAR.multiply(BigInteger.valueOf(10_000));
        List<DrainAlert> raised = new java.util.ArrayList<>();
        BigInteger leftWhenHigh = null;
        for (int step = 0; step < 6; step++) {
            chain.nextBlock();
            BigInteger amount = left.multiply(BigInteger.valueOf(15)).divide(BigInteger.valueOf(100));
            BigInteger after = left.subtract(amount);
            send(sentBy(chain.usdc(WALLET, ATTACKER_RECEIVER, amount, left, after), WALLET));
            left = after;
            List<DrainAlert> now = alerts.readValuesToList();
            raised.addAll(now);
            if (leftWhenHigh == null
                    && now.stream().anyMatch(a -> a.getRule().equals("velocity") && a.getSeverity() == Severity.HIGH)) {
                leftWhenHigh = left;
            }
        }
        List<DrainAlert> velocity =
                raised.stream().filter(a -> a.getRule().equals("velocity")).toList();
        assertThat(velocity.get(0).getStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(velocity.get(0).getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(velocity)
                .extracting(DrainAlert::getAlertId)
                .containsOnly(velocity.get(0).getAlertId());
        assertThat(leftWhenHigh)
                .as(
                        "high while at least 40%% of the wallet is left: %s",
                        velocity.stream()
                                .map(a -> a.getSeverity() + " " + a.getSummary())
                                .toList())
                .isGreaterThan(DOLLAR.multiply(BigInteger.valueOf(4_000)));
        assertThat(raised).noneMatch(a -> a.getRule().equals("balance-drain"));
    }

    @Test
    void regularPaymentsToTheCustodiansOwnHotWalletAreNoVelocity() {
        start();
        BigInteger left = DOLLAR.multiply(BigInteger.valueOf(100_000));
        for (int step = 0; step < 6; step++) {
            chain.nextBlock();
            BigInteger amount = left.multiply(BigInteger.valueOf(15)).divide(BigInteger.valueOf(100));
            send(sentBy(chain.usdc(WALLET, ROUTER, amount, left, left.subtract(amount)), WALLET));
            left = left.subtract(amount);
        }
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void aDormantWalletWakingToPayANewAddressCombinesItsLowSignalsIntoAHighAlertNamingThem() {
        start();
        chain.nextBlock();
        BigInteger balance = DOLLAR.multiply(BigInteger.valueOf(30_000));
        send(chain.usdc(BYSTANDER, WALLET, balance, null, null));
        chain.idle(Duration.ofDays(120));
        chain.nextBlock();
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(12_000));
        send(sentBy(chain.usdc(WALLET, ATTACKER_RECEIVER, amount, balance, balance.subtract(amount)), WALLET));

        List<DrainAlert> raised = alerts.readValuesToList();
        assertThat(raised)
                .extracting(DrainAlert::getRule)
                .contains("dormant-wake", "new-destination", "velocity", "combined-signals");
        DrainAlert combined = raised.stream()
                .filter(a -> a.getRule().equals("combined-signals"))
                .findFirst()
                .orElseThrow();
        assertThat(combined.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(combined.getSummary())
                .contains("new-destination")
                .contains("velocity")
                .contains("dormant-wake");
        assertThat(combined.getDescription()).contains("score 4");
    }

    @Test
    void aDormantWalletWakingAloneIsOnlyALowSignal() {
        start();
        chain.nextBlock();
        BigInteger balance = DOLLAR.multiply(BigInteger.valueOf(300));
        send(chain.usdc(BYSTANDER, WALLET, balance, null, null));
        chain.idle(Duration.ofDays(120));
        chain.nextBlock();
        BigInteger amount = DOLLAR.multiply(BigInteger.valueOf(50));
        send(sentBy(chain.usdc(WALLET, ATTACKER_RECEIVER, amount, balance, balance.subtract(amount)), WALLET));
        assertThat(alerts.readValuesToList())
                .extracting(DrainAlert::getRule, DrainAlert::getSeverity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dormant-wake", Severity.LOW));
    }

    @Test
    void anApprovalAndADripStepTheChainReorganisedAwayAreRetracted() {
        start();
        chain.nextBlock();
        ApprovalEvent approval =
                GrantEvents.approval(chain, WALLET, DRAINER_CONTRACT, USDC, GrantEvents.MAX_UINT256, WALLET);
        send(approval);
        send(ApprovalEvent.newBuilder(approval).setRemoved(true).build());
        assertThat(of("unknown-approval"))
                .extracting(DrainAlert::getStatus)
                .containsExactly(AlertStatus.FIRING, AlertStatus.RETRACTED);

        chain.nextBlock();
        BigInteger balance = DOLLAR.multiply(BigInteger.valueOf(10_000));
        BigInteger step = DOLLAR.multiply(BigInteger.valueOf(1_500));
        TransferEvent drip = sentBy(chain.usdc(OTHER, ATTACKER_RECEIVER, step, balance, balance.subtract(step)), OTHER);
        send(drip);
        assertThat(of("velocity"))
                .singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING));
        send(Chain.removed(drip));
        assertThat(of("velocity"))
                .singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RETRACTED));
    }
}
