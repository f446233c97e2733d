package io.drainwatch.detector.topology;

import static io.drainwatch.detector.topology.Chain.DOLLAR;
import static io.drainwatch.detector.topology.Chain.ETH;
import static io.drainwatch.detector.topology.Chain.USDC;
import static io.drainwatch.detector.topology.Chain.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.DrainSignal;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the production topology, built from the production configuration, through every stage. */
class DetectorTopologyTest {
    static final Instant START = Instant.parse("2026-06-11T03:00:00Z");
    static final String HOT = address(0x900);
    static final String USER_ADDRESS = address(0x901);
    static final String SANCTIONED = address(0xbad);
    static final String ATTACKER = address(0xa1);
    static final String FUNDER = address(0xf1);

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private final Chain chain = new Chain(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> transfers;
    private TestOutputTopic<String, DrainAlert> alerts;
    private TestOutputTopic<String, DrainIncident> incidents;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.putIfAbsent("kafka.state.dir", stateDir.toString());
        DetectorConfig config = DetectorConfig.withOverrides(settings, "unused:9092");
        DetectorMetrics metrics = new DetectorMetrics(registry);
        driver = new TopologyTestDriver(
                DetectorTopology.build(config, metrics, store -> {}),
                DetectorTopology.streamsProperties(config, metrics),
                START);
        transfers = driver.createInputTopic(topics.transfers(), new StringSerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(
                topics.alerts(),
                new StringDeserializer(),
                AvroSerde.of(DrainAlert.class).deserializer());
        incidents = driver.createOutputTopic(
                topics.incidents(),
                new StringDeserializer(),
                AvroSerde.of(DrainIncident.class).deserializer());

        for (int i = 1; i <= 10; i++) {
            watch(wallet(i), "retail");
        }
        watch(address(0x200), "treasury");
        pipe(
                topics.allowlist(),
                "1:" + HOT + "/*",
                AllowedCounterparty.newBuilder()
                        .setChainId(1)
                        .setAddress(HOT)
                        .setCustodyGroup("*")
                        .setKind(CounterpartyKind.OWN_HOT)
                        .build());
        pipe(
                topics.allowlist(),
                "1:" + USER_ADDRESS + "/retail",
                AllowedCounterparty.newBuilder()
                        .setChainId(1)
                        .setAddress(USER_ADDRESS)
                        .setCustodyGroup("retail")
                        .setKind(CounterpartyKind.USER_WITHDRAWAL)
                        .build());
        pipe(
                topics.labels(),
                "*:" + SANCTIONED,
                AddressLabel.newBuilder()
                        .setAddress(SANCTIONED)
                        .setCategory(LabelCategory.SANCTIONED)
                        .setSource("test list")
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
    }

    private void start() {
        start(Map.of());
    }

    static String wallet(int i) {
        return address(0x100 + i);
    }

    private void watch(String address, String group) {
        pipe(
                topics.wallets(),
                "1:" + address,
                WatchedWallet.newBuilder()
                        .setChainId(1)
                        .setAddress(address)
                        .setCustodyGroup(group)
                        .build());
    }

    @SuppressWarnings("unchecked")
    private <V extends org.apache.avro.specific.SpecificRecord> void pipe(String topic, String key, V value) {
        AvroSerde<V> serde = AvroSerde.of((Class<V>) value.getClass());
        driver.createInputTopic(topic, new StringSerializer(), serde.serializer())
                .pipeInput(key, value, START);
    }

    /** Writes {@code e} and, as the ingestor does after each step, a progress tick through its block. */
    private void send(TransferEvent e) {
        sendWithoutTick(e);
        tick(e.getBlockNumber(), e.getBlockTime());
    }

    private void sendWithoutTick(TransferEvent e) {
        transfers.pipeInput(
                "1:" + e.getFrom(), AvroSerde.of(TransferEvent.class).encode(e), e.getBlockTime());
    }

    /** The ingestor's progress tick in the transfers topic's one partition. */
    private void tick(long block, Instant timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ProgressTick.HEADER, new ProgressTick(1, block, 1).encode());
        transfers.pipeInput(new TestRecord<>(ProgressTick.key(1), null, headers, timestamp));
        // the filter and wallet stages pass a burst of ticks on once per interval
        driver.advanceWallClockTime(TickPacer.INTERVAL);
    }

    private void sign(TransferEvent e) {
        pipe(
                topics.signedTx(),
                "1:" + e.getTxHash(),
                SignedTransaction.newBuilder()
                        .setChainId(1)
                        .setTxHash(e.getTxHash())
                        .setFrom(e.getFrom())
                        .setSignedAt(START)
                        .build());
    }

    private void balance(String wallet, String asset, BigInteger amount) {
        balance(chain.balance(wallet, asset, amount));
    }

    private void balance(BalanceSnapshot snapshot) {
        driver.createInputTopic(
                        topics.balances(),
                        new StringSerializer(),
                        AvroSerde.of(BalanceSnapshot.class).serializer())
                .pipeInput("1:" + snapshot.getWallet(), snapshot, snapshot.getBlockTime());
    }

    /** Sends 99.9% of a 10 ETH balance to {@code to}. */
    private TransferEvent drainEth(int walletIndex, String to) {
        TransferEvent e = ethDrain(walletIndex, to);
        send(e);
        return e;
    }

    /** In the next block, 99.9% of a 10 ETH balance sent to {@code to}, not yet written. */
    private TransferEvent ethDrain(int walletIndex, String to) {
        chain.nextBlock();
        return chain.eth(
                wallet(walletIndex),
                to,
                ETH.multiply(BigInteger.valueOf(9990)).divide(BigInteger.valueOf(1000)),
                ETH.multiply(BigInteger.TEN),
                ETH.divide(BigInteger.valueOf(100)));
    }

    @Test
    void transfersBetweenUnwatchedAddressesRaiseNothingAndAreCountedAsIgnored() {
        start();
        chain.nextBlock();
        for (int i = 0; i < 100; i++) {
            send(chain.eth(address(0x5000 + i), address(0x6000 + i), ETH, ETH.multiply(BigInteger.TWO), ETH));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(alerts.isEmpty()).isTrue();
        assertThat(registry.get("drainwatch_detect_events_total")
                        .tag("outcome", "ignored")
                        .counter()
                        .count())
                .isEqualTo(100);
    }

    @Test
    void drainOfAWalletRaisesBalanceDrainWithItsEvidence() {
        start();
        TransferEvent drain = drainEth(1, ATTACKER);

        List<DrainAlert> raised = alerts.readValuesToList();
        DrainAlert alert = raised.stream()
                .filter(a -> a.getRule().equals("balance-drain"))
                .findFirst()
                .orElseThrow();
        assertThat(alert.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(alert.getAlertId()).isEqualTo("balance-drain:1:" + wallet(1) + ":" + drain.getBlockNumber());
        assertThat(alert.getSubject()).isEqualTo(wallet(1));
        assertThat(alert.getDestination()).isEqualTo(ATTACKER);
        assertThat(alert.getTxHashes()).containsExactly(drain.getTxHash());
        assertThat(alert.getAmount()).isEqualByComparingTo(drain.getAmount());
        assertThat(alert.getUsdValue()).isEqualTo(29_970.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(alert.getBalanceBefore()).isEqualByComparingTo(drain.getSenderBalanceBefore());
        assertThat(alert.getBalanceAfter()).isEqualByComparingTo(drain.getSenderBalanceAfter());
        assertThat(alert.getLinks()).contains("https://etherscan.io/tx/" + drain.getTxHash());
        assertThat(alert.getSummary()).contains("$29,970").contains("0.10% left");
        assertThat(alert.getDescription()).contains(ATTACKER).contains("compromised");
    }

    @Test
    void legitimateTrafficThatLooksLikeADrainRaisesNoAlert() {
        start();
        // consolidation of a whole balance to the custodian's own hot wallet
        chain.nextBlock();
        send(chain.eth(wallet(1), HOT, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.TEN), BigInteger.ZERO));
        // a user withdrawing everything to an allowlisted address, signed by the custodian
        chain.nextBlock();
        TransferEvent withdrawal = chain.usdc(
                wallet(2),
                USER_ADDRESS,
                DOLLAR.multiply(BigInteger.valueOf(50_000)),
                DOLLAR.multiply(BigInteger.valueOf(50_000)),
                BigInteger.ZERO);
        sign(withdrawal);
        send(withdrawal);
        // a signed withdrawal of a whole balance to a new address
        chain.nextBlock();
        TransferEvent signed = chain.eth(
                wallet(3),
                address(0x7777),
                ETH.multiply(BigInteger.TEN),
                ETH.multiply(BigInteger.TEN),
                BigInteger.ZERO);
        sign(signed);
        send(signed);
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void smallPaymentAfterASignedWithdrawalOfAlmostEverythingIsNoDrain() {
        start();
        chain.nextBlock();
        BigInteger balance = DOLLAR.multiply(BigInteger.valueOf(30_000));
        BigInteger withdrawn = DOLLAR.multiply(BigInteger.valueOf(29_970));
        TransferEvent withdrawal = chain.usdc(wallet(2), USER_ADDRESS, withdrawn, balance, balance.subtract(withdrawn));
        sign(withdrawal);
        send(withdrawal);
        chain.nextBlock();
        BigInteger left = balance.subtract(withdrawn);
        BigInteger fifteen = DOLLAR.multiply(BigInteger.valueOf(15));
        send(chain.usdc(wallet(2), address(0x7003), fifteen, left, left.subtract(fifteen)));
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void paymentToASanctionedAddressIsCriticalEvenWhenSigned() {
        start();
        chain.nextBlock();
        TransferEvent payment = chain.eth(
                wallet(4), SANCTIONED, ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9)));
        sign(payment);
        send(payment);

        DrainAlert alert = alerts.readValue();
        assertThat(alert.getRule()).isEqualTo("denylisted-counterparty");
        assertThat(alert.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(alert.getSummary()).contains("sanctioned");
    }

    @Test
    void threeWalletsPayingOneAddressRaiseOneCoordinatedSweepThatGrows() {
        start();
        drainEth(1, ATTACKER);
        drainEth(2, ATTACKER);
        assertThat(alerts.readValuesToList()).noneMatch(a -> a.getRule().equals("coordinated-sweep"));
        drainEth(3, ATTACKER);
        List<DrainAlert> sweep = alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("coordinated-sweep"))
                .toList();
        assertThat(sweep).isNotEmpty();
        assertThat(sweep)
                .extracting(DrainAlert::getAlertId)
                .containsOnly(sweep.get(0).getAlertId());
        assertThat(sweep.get(0).getStatus()).isEqualTo(AlertStatus.FIRING);
        DrainAlert latest = sweep.get(sweep.size() - 1);
        assertThat(latest.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(latest.getSubject()).isEqualTo(ATTACKER);
        assertThat(latest.getWallets()).containsExactlyInAnyOrder(wallet(1), wallet(2), wallet(3));

        drainEth(4, ATTACKER);
        DrainAlert update = alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("coordinated-sweep"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(update.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(update.getWallets()).hasSize(4);
    }

    /**
     * Payments of wallets on different wallet tasks reach a destination task interleaved in arrival
     * order; the wallet tasks' ticks let them through in block order, so the evidence the sweep opens
     * with, and the alert id that carries its block, are those of block order however they arrive.
     */
    @Test
    void paymentsArrivingInReverseBlockOrderGiveTheSweepOfBlockOrderOnceEveryWalletTaskHasTicked() {
        start();
        String inOrder = address(0x7300);
        String reversed = address(0x7301);
        TestInputTopic<String, DestinationEvent> payments = driver.createInputTopic(
                "drainwatch-detector-destination-payments-repartition",
                new StringSerializer(),
                new DestinationEvent.DestinationEventSerde().serializer());
        List<Payment> first = new ArrayList<>();
        List<Payment> second = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            first.add(payment(wallet(i), inOrder, 200 + i));
            second.add(payment(wallet(i + 3), reversed, 200 + i));
        }
        first.forEach(p -> payments.pipeInput("1:" + inOrder, new DestinationEvent.Pay(p), p.blockTime()));
        second.reversed().forEach(p -> payments.pipeInput("1:" + reversed, new DestinationEvent.Pay(p), p.blockTime()));
        // wallet task 0 of 2 has come through every block: task 1 has not, so nothing is judged yet
        payments.pipeInput("1:tick", new DestinationEvent.Tick(new BlockTick(1, 203, 0, 2)));
        assertThat(alerts.readValuesToList()).isEmpty();

        payments.pipeInput("1:tick", new DestinationEvent.Tick(new BlockTick(1, 203, 1, 2)));
        Map<String, String> ids = new HashMap<>();
        alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("coordinated-sweep"))
                .forEach(a -> ids.put(a.getSubject(), a.getAlertId()));
        assertThat(ids).containsEntry(inOrder, "coordinated-sweep:1:" + inOrder + ":201");
        assertThat(ids).containsEntry(reversed, "coordinated-sweep:1:" + reversed + ":201");
    }

    @Test
    void heldPaymentsAreJudgedInBlockOrderAfterTheMaximumWaitWhenNoTicksCome() {
        start(Map.of("detector.block-order.max-wait", "5s"));
        TestInputTopic<String, DestinationEvent> payments = driver.createInputTopic(
                "drainwatch-detector-destination-payments-repartition",
                new StringSerializer(),
                new DestinationEvent.DestinationEventSerde().serializer());
        for (int i = 3; i >= 1; i--) {
            Payment p = payment(wallet(i), ATTACKER, 300 + i);
            payments.pipeInput("1:" + ATTACKER, new DestinationEvent.Pay(p), p.blockTime());
        }
        driver.advanceWallClockTime(Duration.ofSeconds(4));
        assertThat(alerts.readValuesToList()).isEmpty();
        assertThat(registry.get("drainwatch_block_order_gate_timeouts_total")
                        .tag("stage", "destination")
                        .counter()
                        .count())
                .isZero();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(alerts.readValuesToList())
                .filteredOn(a -> a.getRule().equals("coordinated-sweep"))
                .extracting(DrainAlert::getAlertId)
                .containsOnly("coordinated-sweep:1:" + ATTACKER + ":301");
        assertThat(registry.get("drainwatch_block_order_gate_timeouts_total")
                        .tag("stage", "destination")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aChainWhoseWriterTicksDoesNotKeepTheHeldPaymentsOfAnotherChainWaiting() {
        start(Map.of("detector.block-order.max-wait", "5s"));
        TestInputTopic<String, DestinationEvent> payments = driver.createInputTopic(
                "drainwatch-detector-destination-payments-repartition",
                new StringSerializer(),
                new DestinationEvent.DestinationEventSerde().serializer());
        for (int i = 1; i <= 3; i++) {
            Payment p = payment(137, wallet(i), ATTACKER, 400 + i);
            payments.pipeInput("137:" + ATTACKER, new DestinationEvent.Pay(p), p.blockTime());
        }
        for (int second = 1; second <= 6; second++) {
            payments.pipeInput("1:tick", new DestinationEvent.Tick(new BlockTick(1, 500 + second, 0, 1)));
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
        assertThat(alerts.readValuesToList())
                .filteredOn(a -> a.getRule().equals("coordinated-sweep"))
                .extracting(DrainAlert::getAlertId)
                .containsOnly("coordinated-sweep:137:" + ATTACKER + ":401");
    }

    @Test
    void aReorganisationRemovingAHeldPaymentTakesItOutBeforeItIsJudged() {
        start();
        TransferEvent one = drainWithoutTick(1, ATTACKER);
        drainWithoutTick(2, ATTACKER);
        TransferEvent three = drainWithoutTick(3, ATTACKER);
        sendWithoutTick(Chain.removed(one));
        tick(three.getBlockNumber(), three.getBlockTime());
        assertThat(alerts.readValuesToList()).noneMatch(a -> a.getRule().equals("coordinated-sweep"));
        drainEth(4, ATTACKER);
        assertThat(alerts.readValuesToList())
                .filteredOn(a -> a.getRule().equals("coordinated-sweep"))
                .last()
                .satisfies(a -> assertThat(a.getWallets()).containsExactlyInAnyOrder(wallet(2), wallet(3), wallet(4)));
    }

    private TransferEvent drainWithoutTick(int walletIndex, String to) {
        TransferEvent e = ethDrain(walletIndex, to);
        sendWithoutTick(e);
        return e;
    }

    /** A retail wallet's payment of 1 ETH in {@code block}, 12 s a block. */
    private static Payment payment(String wallet, String destination, long block) {
        return payment(1, wallet, destination, block);
    }

    private static Payment payment(long chainId, String wallet, String destination, long block) {
        return new Payment(
                chainId,
                wallet,
                "retail",
                destination,
                "0x" + Long.toHexString(block) + ":" + wallet,
                "0x" + Long.toHexString(block),
                block,
                START.toEpochMilli() + block * 12_000,
                "native",
                ETH,
                18,
                3000.0,
                true,
                false);
    }

    @Test
    void walletsPayingAnAddressEachPaidBeforeInASignedTransactionAreNoSweep() {
        start();
        String merchant = address(0x7100);
        for (int i = 1; i <= 3; i++) {
            chain.nextBlock();
            TransferEvent signed = chain.eth(
                    wallet(i), merchant, ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9)));
            sign(signed);
            send(signed);
        }
        TransferEvent reorged = null;
        for (int i = 1; i <= 3; i++) {
            chain.nextBlock();
            TransferEvent unsigned = chain.eth(
                    wallet(i), merchant, ETH, ETH.multiply(BigInteger.valueOf(9)), ETH.multiply(BigInteger.valueOf(8)));
            send(unsigned);
            reorged = unsigned;
        }
        send(Chain.removed(reorged));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(alerts.readValuesToList()).isEmpty();

        // the same address is still watched for wallets that never paid it
        drainEth(4, merchant);
        drainEth(5, merchant);
        drainEth(6, merchant);
        assertThat(alerts.readValuesToList())
                .filteredOn(a -> a.getRule().equals("coordinated-sweep"))
                .isNotEmpty()
                .last()
                .satisfies(a -> assertThat(a.getWallets()).containsExactlyInAnyOrder(wallet(4), wallet(5), wallet(6)));
    }

    @Test
    void destinationIsForgottenOnceBlockTimeLeavesItsWindowBehind() {
        start();
        String once = address(0x7200);
        chain.nextBlock();
        send(chain.eth(wallet(1), once, ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9))));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        org.apache.kafka.streams.state.KeyValueStore<String, Object> destinations =
                driver.getKeyValueStore(DestinationProcessor.STATE);
        assertThat(destinations.get("1:" + once)).isNotNull();

        for (int i = 0; i < 5 * 60 + 1; i++) { // an hour of blocks: the 30-minute window and its grace
            chain.nextBlock();
        }
        String later = address(0x7201);
        send(chain.eth(wallet(2), later, ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9))));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(destinations.get("1:" + once)).as("expired").isNull();
        assertThat(destinations.get("1:" + later)).isNotNull();
    }

    @Test
    void fifthDrainedWalletOpensOneIncidentForTheGroupWhichGrowsThenResolves() {
        start(Map.of("incidents.resolve-after", "1m"));
        for (int i = 1; i <= 10; i++) {
            balance(wallet(i), "native", ETH.multiply(BigInteger.TEN));
        }
        for (int i = 1; i <= 4; i++) {
            drainEth(i, address(0xa0 + i)); // distinct destinations: only the fleet stage links them
        }
        assertThat(incidents.isEmpty()).isTrue();

        drainEth(5, address(0xa5));
        DrainIncident opened = incidents.readValue();
        assertThat(opened.getStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(opened.getCustodyGroup()).isEqualTo("retail");
        assertThat(opened.getWalletsDrained()).isEqualTo(5);
        assertThat(opened.getValueLostUsd()).isEqualTo(5 * 29_970.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(opened.getValueAtRiskUsd())
                .isEqualTo(5 * 30_000.0 + 5 * 30.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(opened.getDestinations()).hasSize(5);
        assertThat(opened.getSummary()).startsWith("5 wallets drained in custody group retail");

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(registry.get("drainwatch_incidents_open").gauge().value()).isEqualTo(1.0);

        drainEth(6, address(0xa6));
        DrainIncident updated = incidents.readValuesToList().get(0);
        assertThat(updated.getIncidentId()).isEqualTo(opened.getIncidentId());
        assertThat(updated.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(updated.getWalletsDrained()).isEqualTo(6);

        driver.advanceWallClockTime(Duration.ofMinutes(2));
        DrainIncident resolved = incidents.readValuesToList().get(0);
        assertThat(resolved.getIncidentId()).isEqualTo(opened.getIncidentId());
        assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(registry.get("drainwatch_incidents_open").gauge().value()).isEqualTo(0.0);
    }

    /**
     * Seven wallets drained in seven blocks of one step, as the wallet and destination tasks tell the
     * fleet stage: the signals reach it in any order (their tasks' partitions interleave), then the
     * destination stage's tick. The incident's records are the same whatever that order was.
     */
    @Test
    void drainsReachingTheFleetStageInAnyOrderGiveTheSameIncidentOnceTheTickPasses() {
        List<FleetSignal> step = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            step.add(drainSignal(wallet(i), 600 + i));
        }
        List<String> inBlockOrder = incidentsOf(step, "fleet-block-order", true);
        assertThat(inBlockOrder).isNotEmpty();
        assertThat(inBlockOrder.get(0)).contains("FIRING 5 [" + wallet(1));
        List<String> reversedWithoutTicks = incidentsOf(step.reversed(), "fleet-no-ticks", false);
        assertThat(reversedWithoutTicks).as("judged on arrival").isNotEqualTo(inBlockOrder);
        for (long seed = 1; seed <= 5; seed++) {
            List<FleetSignal> shuffled = new ArrayList<>(step);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(incidentsOf(shuffled, "fleet-seed-" + seed, true))
                    .as("arrival order of seed %d", seed)
                    .isEqualTo(inBlockOrder);
        }
    }

    @Test
    void aRetractionHeldWithItsDrainTakesTheWalletOutOfTheCountOnceTheTickPasses() {
        List<FleetSignal> step = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            step.add(drainSignal(wallet(i), 700 + i));
        }
        FleetSignal first = step.get(0);
        DrainSignal drain = java.util.Objects.requireNonNull(first.drain());
        step.add(
                0,
                new FleetSignal(
                        new DrainSignal(
                                drain.custodyGroup(),
                                drain.chainId(),
                                drain.wallet(),
                                drain.rule(),
                                drain.alertId(),
                                drain.eventId(),
                                drain.destination(),
                                null,
                                drain.blockTime(),
                                true,
                                null),
                        null,
                        0,
                        first.block(),
                        null));
        assertThat(incidentsOf(step, "fleet-retraction", true)).isEmpty();
        assertThat(incidentsOf(step.subList(1, step.size()), "fleet-no-retraction", true))
                .isNotEmpty();
    }

    /** A high balance-drain of {@code wallet} in {@code block}, as the wallet stage tells the fleet stage. */
    private static FleetSignal drainSignal(String wallet, long block) {
        String eventId = "1:0x" + Long.toHexString(block) + ":" + wallet;
        return new FleetSignal(
                new DrainSignal(
                        "retail",
                        1,
                        wallet,
                        "balance-drain",
                        "balance-drain:1:" + wallet + ":" + block,
                        eventId,
                        address(0xa00 + (int) block),
                        29_970.0,
                        START.toEpochMilli() + block * 12_000,
                        false,
                        Severity.HIGH),
                null,
                0,
                block,
                null);
    }

    /**
     * The incident records (id, status, wallets) that {@code arrival} gives when written in that order to
     * the fleet stage, after a tick of the chain if {@code ticked} (then another through the last block).
     */
    private List<String> incidentsOf(List<FleetSignal> arrival, String run, boolean ticked) {
        if (driver != null) {
            driver.close();
        }
        start(Map.of("kafka.state.dir", stateDir.resolve(run).toString()));
        TestInputTopic<String, FleetSignal> signals = driver.createInputTopic(
                "drainwatch-detector-fleet-signals-repartition",
                new StringSerializer(),
                JsonSerde.of(FleetSignal.class).serializer());
        long last = arrival.stream().mapToLong(FleetSignal::block).max().orElseThrow();
        if (ticked) {
            signals.pipeInput("1:tick", FleetSignal.tick(new BlockTick(1, 600, 0, 1)));
        }
        arrival.forEach(signal -> signals.pipeInput("retail", signal));
        if (ticked) {
            assertThat(incidents.isEmpty()).as("nothing before the tick").isTrue();
            signals.pipeInput("1:tick", FleetSignal.tick(new BlockTick(1, last, 0, 1)));
        }
        return incidents.readValuesToList().stream()
                .map(i -> i.getIncidentId() + " " + i.getStatus() + " " + i.getWalletsDrained() + " " + i.getWallets())
                .toList();
    }

    @Test
    void aClosedTaskNoLongerCountsItsOpenIncidents() {
        start();
        for (int i = 1; i <= 5; i++) {
            balance(wallet(i), "native", ETH.multiply(BigInteger.TEN));
            drainEth(i, address(0xa0 + i));
        }
        assertThat(incidents.readValue().getStatus()).isEqualTo(AlertStatus.FIRING);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(registry.get("drainwatch_incidents_open").gauge().value()).isEqualTo(1.0);

        // The task moves away (here: the application closes); the instance that takes it over reports it.
        driver.close();
        driver = null;
        assertThat(registry.get("drainwatch_incidents_open").gauge().value()).isEqualTo(0.0);
    }

    @Test
    void gasTopUpFromOutsideThenTokenSweepIsHigh() {
        start();
        chain.nextBlock();
        send(chain.eth(FUNDER, wallet(7), ETH.divide(BigInteger.valueOf(100)), null, null));
        chain.nextBlock();
        // 40% of the tokens: not a balance drain, but the top-up pattern
        send(chain.usdc(
                wallet(7),
                ATTACKER,
                DOLLAR.multiply(BigInteger.valueOf(400)),
                DOLLAR.multiply(BigInteger.valueOf(1000)),
                DOLLAR.multiply(BigInteger.valueOf(600))));

        DrainAlert alert = alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("gas-topup-sweep"))
                .findFirst()
                .orElseThrow();
        assertThat(alert.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(alert.getDescription()).contains(FUNDER);
    }

    @Test
    void gasTopUpAndTheSweepItPaysForGiveTheSameAlertWhicheverArrivesFirst() {
        chain.nextBlock();
        TransferEvent topup = chain.eth(FUNDER, wallet(7), ETH.divide(BigInteger.valueOf(100)), null, null);
        chain.nextBlock();
        TransferEvent sweep = chain.usdc(
                wallet(7),
                ATTACKER,
                DOLLAR.multiply(BigInteger.valueOf(400)),
                DOLLAR.multiply(BigInteger.valueOf(1000)),
                DOLLAR.multiply(BigInteger.valueOf(600)));

        Set<String> inBlockOrder = alertsOf(List.of(topup, sweep), "block-order", "gas-topup-sweep");
        Set<String> sweepFirst = alertsOf(List.of(sweep, topup), "sweep-first", "gas-topup-sweep");

        assertThat(inBlockOrder)
                .containsExactly("gas-topup-sweep:1:" + wallet(7) + ":" + sweep.getBlockNumber() + " FIRING HIGH");
        assertThat(sweepFirst).isEqualTo(inBlockOrder);
    }

    @Test
    void sweepOfTokenOnlyWalletsGivesTheSameWalletAlertsInBlockOrderAndInShuffledArrivalOrders() {
        List<TransferEvent> events = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            chain.nextBlock();
            events.add(chain.eth(FUNDER, wallet(i), ETH.divide(BigInteger.valueOf(100)), null, null));
            chain.nextBlock();
            // 40% of the tokens: not a balance drain, the top-up pattern only
            events.add(chain.usdc(
                    wallet(i),
                    address(0xd00 + i),
                    DOLLAR.multiply(BigInteger.valueOf(400)),
                    DOLLAR.multiply(BigInteger.valueOf(1000)),
                    DOLLAR.multiply(BigInteger.valueOf(600))));
        }
        // Outside the window: the top-up explains no sweep in either order.
        chain.nextBlock();
        events.add(chain.eth(FUNDER, wallet(8), ETH.divide(BigInteger.valueOf(100)), null, null));
        chain.idle(Duration.ofMinutes(11));
        chain.nextBlock();
        events.add(chain.usdc(
                wallet(8),
                address(0xd08),
                DOLLAR.multiply(BigInteger.valueOf(400)),
                DOLLAR.multiply(BigInteger.valueOf(1000)),
                DOLLAR.multiply(BigInteger.valueOf(600))));

        Set<String> inBlockOrder = alertsOf(events, "block-order", "gas-topup-sweep");
        assertThat(inBlockOrder).hasSize(6);
        for (long seed = 1; seed <= 5; seed++) {
            List<TransferEvent> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(alertsOf(shuffled, "seed-" + seed, "gas-topup-sweep"))
                    .as("arrival order of seed %d", seed)
                    .isEqualTo(inBlockOrder);
        }
    }

    /**
     * One ingestor step of five blocks, each a wallet emptied to one address: the step's transfers reach
     * the stages in any order (partitions interleave), then the step's tick. coordinated-sweep writes the
     * same records, in the same order, whatever that order was.
     */
    @Test
    void aStepsPaymentsToOneAddressGiveTheSameSweepInEveryArrivalOrder() {
        List<TransferEvent> step = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            step.add(ethDrain(i, ATTACKER));
        }
        List<String> inBlockOrder = sweepOf(step, "block-order");
        String id = "coordinated-sweep:1:" + ATTACKER;
        assertThat(inBlockOrder).isNotEmpty().allMatch(r -> r.startsWith(id));
        for (long seed = 1; seed <= 5; seed++) {
            List<TransferEvent> shuffled = new ArrayList<>(step);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(sweepOf(shuffled, "sweep-seed-" + seed))
                    .as("arrival order of seed %d", seed)
                    .isEqualTo(inBlockOrder);
        }
    }

    /** The coordinated-sweep records (id, status, wallets) of one step written in {@code arrival} order. */
    private List<String> sweepOf(List<TransferEvent> arrival, String run) {
        if (driver != null) {
            driver.close();
        }
        start(Map.of("kafka.state.dir", stateDir.resolve(run).toString()));
        arrival.forEach(this::sendWithoutTick);
        TransferEvent last = arrival.stream()
                .max(java.util.Comparator.comparingLong(TransferEvent::getBlockNumber))
                .orElseThrow();
        tick(last.getBlockNumber(), last.getBlockTime());
        return alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("coordinated-sweep"))
                .map(a -> a.getAlertId() + " " + a.getStatus() + " " + a.getWallets())
                .toList();
    }

    /** The alerts of {@code rule} (id, status, severity) that {@code events} raise in a fresh topology. */
    private Set<String> alertsOf(List<TransferEvent> events, String run, String rule) {
        if (driver != null) {
            driver.close();
        }
        start(Map.of("kafka.state.dir", stateDir.resolve(run).toString()));
        events.forEach(this::send);
        Set<String> seen = new TreeSet<>();
        alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals(rule))
                .forEach(a -> seen.add(a.getAlertId() + " " + a.getStatus() + " " + a.getSeverity()));
        return seen;
    }

    /**
     * A wallet holding 1,000 USDC, a deposit of 9,000 then two outflows of its tokens in later blocks (no
     * sender balances: the wallet stage counts them). The deposit comes from its sender's partition of the
     * transfers topic, the outflows from the wallet's. In block order the first outflow (to one address)
     * leaves half and the second (to another) empties the wallet; judged on arrival before the deposit,
     * the first would already look like an emptying.
     */
    private record Step(BalanceSnapshot opening, List<TransferEvent> transfers) {}

    private Step depositThenTwoOutflows() {
        chain.nextBlock();
        BalanceSnapshot opening = chain.balance(wallet(3), USDC, DOLLAR.multiply(BigInteger.valueOf(1000)));
        chain.nextBlock();
        TransferEvent deposit = chain.usdc(FUNDER, wallet(3), DOLLAR.multiply(BigInteger.valueOf(9000)), null, null);
        chain.nextBlock();
        TransferEvent half =
                chain.usdc(wallet(3), address(0xa2), DOLLAR.multiply(BigInteger.valueOf(5000)), null, null);
        chain.nextBlock();
        TransferEvent rest = chain.usdc(wallet(3), ATTACKER, DOLLAR.multiply(BigInteger.valueOf(4990)), null, null);
        return new Step(opening, List.of(deposit, half, rest));
    }

    @Test
    void aDepositAndTheOutflowsAfterItGiveTheSameWalletAlertsInEveryArrivalOrderOnceTheTickPasses() {
        Step s = depositThenTwoOutflows();
        List<TransferEvent> step = s.transfers();
        long half = step.get(1).getBlockNumber();
        long rest = step.get(2).getBlockNumber();
        List<String> inBlockOrder = walletAlertsOf(s.opening(), step, "block-order");
        assertThat(inBlockOrder)
                .anyMatch(a -> a.startsWith("balance-drain:1:" + wallet(3) + ":" + rest + " FIRING HIGH"))
                .noneMatch(a -> a.startsWith("balance-drain:1:" + wallet(3) + ":" + half));
        List<List<TransferEvent>> orders = List.of(
                List.of(step.get(1), step.get(2), step.get(0)),
                List.of(step.get(1), step.get(0), step.get(2)),
                List.of(step.get(2), step.get(1), step.get(0)),
                List.of(step.get(0), step.get(2), step.get(1)),
                List.of(step.get(2), step.get(0), step.get(1)));
        for (int i = 0; i < orders.size(); i++) {
            assertThat(walletAlertsOf(s.opening(), orders.get(i), "arrival-" + i))
                    .as("arrival order %d", i)
                    .isEqualTo(inBlockOrder);
        }
    }

    @Test
    void withoutProgressTicksTheWalletStageJudgesEachEventAtOnceInArrivalOrder() {
        Step s = depositThenTwoOutflows();
        List<TransferEvent> step = s.transfers();
        start();
        balance(s.opening());
        sendWithoutTick(step.get(1));
        assertThat(alerts.readValuesToList())
                .extracting(DrainAlert::getAlertId)
                .contains("balance-drain:1:" + wallet(3) + ":" + step.get(1).getBlockNumber());
    }

    @Test
    void aReorganisationRemovingAHeldOutflowDropsItBeforeTheWalletStageJudgesIt() {
        start();
        chain.nextBlock();
        balance(wallet(3), USDC, DOLLAR.multiply(BigInteger.valueOf(10000)));
        tick(chain.block(), Instant.ofEpochMilli(chain.time()));
        chain.nextBlock();
        TransferEvent drain = chain.usdc(wallet(3), ATTACKER, DOLLAR.multiply(BigInteger.valueOf(9990)), null, null);
        sendWithoutTick(drain);
        sendWithoutTick(Chain.removed(drain));
        tick(drain.getBlockNumber(), drain.getBlockTime());
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void heldWalletEventsAreJudgedAfterTheMaximumWaitWhenTicksStop() {
        Step s = depositThenTwoOutflows();
        List<TransferEvent> step = s.transfers();
        start(Map.of("detector.block-order.max-wait", "5s"));
        balance(s.opening());
        tick(s.opening().getBlockNumber(), s.opening().getBlockTime());
        step.forEach(this::sendWithoutTick);
        driver.advanceWallClockTime(Duration.ofSeconds(4));
        assertThat(alerts.readValuesToList()).isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(alerts.readValuesToList())
                .extracting(DrainAlert::getAlertId)
                .contains("balance-drain:1:" + wallet(3) + ":" + step.get(2).getBlockNumber());
        assertThat(registry.get("drainwatch_block_order_gate_timeouts_total")
                        .tag("stage", "wallet")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    /**
     * The alerts of wallet 3 (id, status, severity, summary), in the order written, when {@code opening}
     * and a tick through its block are written, then {@code arrival} in that order and its step's tick.
     */
    private List<String> walletAlertsOf(BalanceSnapshot opening, List<TransferEvent> arrival, String run) {
        if (driver != null) {
            driver.close();
        }
        start(Map.of("kafka.state.dir", stateDir.resolve(run).toString()));
        balance(opening);
        tick(opening.getBlockNumber(), opening.getBlockTime());
        arrival.forEach(this::sendWithoutTick);
        assertThat(alerts.readValuesToList()).as("nothing before the tick").isEmpty();
        TransferEvent last = arrival.stream()
                .max(java.util.Comparator.comparingLong(TransferEvent::getBlockNumber))
                .orElseThrow();
        tick(last.getBlockNumber(), last.getBlockTime());
        return alerts.readValuesToList().stream()
                .filter(a -> a.getSubject().equals(wallet(3)))
                .map(a -> a.getAlertId() + " " + a.getStatus() + " " + a.getSeverity() + " " + a.getSummary())
                .toList();
    }

    @Test
    void gasTopUpThatAReorganisationRemovedRaisesNothingWhenTokensLeave() {
        start();
        chain.nextBlock();
        TransferEvent topup = chain.eth(FUNDER, wallet(7), ETH.divide(BigInteger.valueOf(100)), null, null);
        send(topup);
        send(Chain.removed(topup));
        chain.nextBlock();
        send(chain.usdc(
                wallet(7),
                ATTACKER,
                DOLLAR.multiply(BigInteger.valueOf(400)),
                DOLLAR.multiply(BigInteger.valueOf(1000)),
                DOLLAR.multiply(BigInteger.valueOf(600))));

        assertThat(alerts.readValuesToList()).noneMatch(a -> a.getRule().equals("gas-topup-sweep"));
    }

    @Test
    void gasFromOneOutsideAddressToThreeWalletsIsOneCriticalCommonFunderAlertBeforeAnySweep() {
        start();
        List<TransferEvent> topups = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            chain.nextBlock();
            TransferEvent topup = chain.eth(FUNDER, wallet(i), ETH.divide(BigInteger.valueOf(500)), null, null);
            topups.add(topup);
            send(topup);
            List<DrainAlert> raised = alerts.readValuesToList();
            if (i < 3) {
                assertThat(raised).as("%d wallets funded", i).isEmpty();
            } else if (i == 3) {
                assertThat(raised)
                        .as("the third wallet fires, citing every top-up")
                        .hasSize(3)
                        .allSatisfy(a -> {
                            assertThat(a.getRule()).isEqualTo("common-funder");
                            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                            assertThat(a.getSubject()).isEqualTo(FUNDER);
                        });
                assertThat(raised.get(0).getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(raised.get(0).getAlertId())
                        .isEqualTo("common-funder:1:" + FUNDER + ":"
                                + topups.get(0).getBlockNumber());
                assertThat(raised.get(2).getWallets()).containsExactly(wallet(1), wallet(2), wallet(3));
            } else {
                assertThat(raised).singleElement().satisfies(a -> {
                    assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
                    assertThat(a.getWallets()).containsExactly(wallet(1), wallet(2), wallet(3), wallet(4));
                });
            }
        }
        send(topups.get(3));
        assertThat(alerts.isEmpty()).as("a replayed top-up adds nothing").isTrue();
        send(Chain.removed(topups.get(3)));
        assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
            assertThat(a.getWallets()).containsExactly(wallet(1), wallet(2), wallet(3));
        });
        assertThat(incidents.isEmpty()).as("gas drains nothing: no incident").isTrue();
    }

    @Test
    void commonFunderThresholdIsSetPerCustodyGroup() {
        start(Map.of("group.retail.rules.common-funder.min-wallets", "4"));
        for (int i = 1; i <= 3; i++) {
            chain.nextBlock();
            send(chain.eth(FUNDER, wallet(i), ETH.divide(BigInteger.valueOf(500)), null, null));
        }
        assertThat(alerts.isEmpty()).isTrue();
        chain.nextBlock();
        send(chain.eth(FUNDER, wallet(4), ETH.divide(BigInteger.valueOf(500)), null, null));
        assertThat(alerts.readValuesToList())
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.getRule()).isEqualTo("common-funder"));
    }

    /**
     * common-funder's alert id carries the block of the top-up that crosses its threshold, so its stage
     * must see one funder's top-ups in chain order: in the sub-topology of the transfers topic (whose key
     * is the sender), with no repartition between, where a partition's order is the ingestor's.
     */
    @Test
    void theFunderStageReadsTopUpsInTheTransfersTopicsOwnPartitionOrder() {
        DetectorConfig config =
                DetectorConfig.withOverrides(Map.of("kafka.state.dir", stateDir.toString()), "unused:9092");
        TopologyDescription description = DetectorTopology.build(config, new DetectorMetrics(registry), store -> {})
                .describe();
        TopologyDescription.Subtopology withFunder = description.subtopologies().stream()
                .filter(sub -> sub.nodes().stream().anyMatch(n -> n.name().equals("funder-rules")))
                .findFirst()
                .orElseThrow();
        assertThat(withFunder.nodes())
                .filteredOn(n -> n instanceof TopologyDescription.Source)
                .extracting(n -> ((TopologyDescription.Source) n).topicSet())
                .containsExactlyInAnyOrder(Set.of(topics.transfers()));
    }

    @Test
    void unsignedOutflowIsCriticalAfterTheGracePeriodAndASignedOneIsNot() {
        start(Map.of("rules.unauthorized-outflow.enabled", "true", "rules.unauthorized-outflow.grace", "3s"));
        chain.nextBlock();
        TransferEvent signed = chain.eth(
                wallet(8), address(0x7001), ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9)));
        TransferEvent unsigned = chain.eth(
                wallet(9), address(0x7002), ETH, ETH.multiply(BigInteger.TEN), ETH.multiply(BigInteger.valueOf(9)));
        send(signed);
        send(unsigned);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        sign(signed); // the signer's record trails the block
        assertThat(alerts.readValuesToList()).noneMatch(a -> a.getRule().equals("unauthorized-outflow"));

        driver.advanceWallClockTime(Duration.ofSeconds(3));
        List<DrainAlert> raised = alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("unauthorized-outflow"))
                .toList();
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).getSubject()).isEqualTo(wallet(9));
        assertThat(raised.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void reorganisedDrainRetractsItsAlertAndAReplayNeverPagesTwice() {
        start();
        TransferEvent drain = drainEth(1, ATTACKER);
        DrainAlert fired = alerts.readValuesToList().get(0);
        send(drain); // the same event again
        assertThat(alerts.isEmpty()).as("replayed event adds nothing").isTrue();

        send(Chain.removed(drain));
        DrainAlert retracted = alerts.readValuesToList().get(0);
        assertThat(retracted.getAlertId()).isEqualTo(fired.getAlertId());
        assertThat(retracted.getStatus()).isEqualTo(AlertStatus.RETRACTED);
    }

    @Test
    void emptyingASmallWalletIsALowAlertThatAReplayDoesNotRepeatAndAReorganisationRetracts() {
        start();
        chain.nextBlock();
        TransferEvent sweep = chain.usdc(
                wallet(3),
                ATTACKER,
                DOLLAR.multiply(BigInteger.valueOf(150)),
                DOLLAR.multiply(BigInteger.valueOf(150)),
                BigInteger.ZERO);
        send(sweep);
        DrainAlert fired = alerts.readValuesToList().stream()
                .filter(a -> a.getRule().equals("balance-drain"))
                .findFirst()
                .orElseThrow();
        assertThat(fired.getStatus()).isEqualTo(AlertStatus.FIRING);
        assertThat(fired.getSeverity()).isEqualTo(Severity.LOW);
        assertThat(fired.getUsdValue()).isEqualTo(150.0);
        assertThat(incidents.isEmpty()).as("one small wallet is no incident").isTrue();

        send(sweep);
        assertThat(alerts.isEmpty()).as("replayed event adds nothing").isTrue();
        send(Chain.removed(sweep));
        assertThat(alerts.readValuesToList())
                .filteredOn(a -> a.getRule().equals("balance-drain"))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getAlertId()).isEqualTo(fired.getAlertId());
                    assertThat(a.getStatus()).isEqualTo(AlertStatus.RETRACTED);
                    assertThat(a.getVersion()).isGreaterThan(fired.getVersion());
                });
    }

    @Test
    void largeOutflowToANewAddressIsALowSignal() {
        start(Map.of("rules.balance-drain.enabled", "false"));
        chain.nextBlock();
        send(chain.eth(
                wallet(10),
                address(0x8001),
                ETH.multiply(BigInteger.valueOf(5)),
                ETH.multiply(BigInteger.valueOf(100)),
                ETH.multiply(BigInteger.valueOf(95))));
        DrainAlert alert = alerts.readValue();
        assertThat(alert.getRule()).isEqualTo("new-destination");
        assertThat(alert.getSeverity()).isEqualTo(Severity.LOW);
    }

    @Test
    void quietAlertsResolve() {
        start(Map.of("alerts.resolve-after", "30s"));
        drainEth(1, ATTACKER);
        String id = alerts.readValuesToList().get(0).getAlertId();
        driver.advanceWallClockTime(Duration.ofSeconds(31));
        assertThat(alerts.readValuesToList()).anySatisfy(a -> {
            assertThat(a.getAlertId()).isEqualTo(id);
            assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
        });
    }
}
