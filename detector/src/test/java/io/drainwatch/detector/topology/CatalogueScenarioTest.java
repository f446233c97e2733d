package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.Money;
import io.drainwatch.schemas.AddressLabel;
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
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded {@link CatalogueScenario}s through the production topology, with the signer log in use. Tuning seeds
 * (11, 12, 13) were looked at while the rules were written; held-out seeds (2027, 31337, 4242) were not, and get
 * the same assertions.
 */
class CatalogueScenarioTest {
    static final Instant START = Instant.parse("2026-06-11T00:00:00Z");

    @TempDir
    Path stateDir;

    /** What the detector wrote after each event: the alerts, by the index of the event that caused them. */
    record Run(CatalogueScenario scenario, List<List<DrainAlert>> afterEvent) {
        List<DrainAlert> all() {
            return afterEvent.stream().flatMap(List::stream).toList();
        }

        int indexOf(String txHash) {
            for (int i = 0; i < scenario.events().size(); i++) {
                SpecificRecord e = scenario.events().get(i);
                String tx = switch (e) {
                    case TransferEvent t -> t.getTxHash();
                    case ApprovalEvent a -> a.getTxHash();
                    case DelegationEvent d -> d.getTxHash();
                    default -> "";
                };
                if (tx.equals(txHash)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(txHash);
        }
    }

    private Run run(long seed) {
        CatalogueScenario scenario = CatalogueScenario.generate(START, seed);
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.state.dir", stateDir.resolve("s" + seed).toString());
        settings.put("rules.unauthorized-outflow.enabled", "true");
        DetectorConfig config = DetectorConfig.withOverrides(settings, "unused:9092");
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
        Topics topics = Topics.defaults();
        try (TopologyTestDriver driver = new TopologyTestDriver(
                DetectorTopology.build(config, metrics, store -> {}),
                DetectorTopology.streamsProperties(config, metrics),
                START)) {
            for (String w : scenario.fleet()) {
                pipe(
                        driver,
                        topics.wallets(),
                        "1:" + w,
                        WatchedWallet.newBuilder()
                                .setChainId(1)
                                .setAddress(w)
                                .setCustodyGroup("retail")
                                .build());
            }
            for (String allowed :
                    List.of(CatalogueScenario.HOT, CatalogueScenario.ROUTER, CatalogueScenario.SMART_ACCOUNT)) {
                pipe(
                        driver,
                        topics.allowlist(),
                        "1:" + allowed + "/*",
                        AllowedCounterparty.newBuilder()
                                .setChainId(1)
                                .setAddress(allowed)
                                .setCustodyGroup("*")
                                .setKind(CounterpartyKind.OWN_HOT)
                                .build());
            }
            pipe(
                    driver,
                    topics.labels(),
                    "*:" + CatalogueScenario.EXCHANGE,
                    AddressLabel.newBuilder()
                            .setAddress(CatalogueScenario.EXCHANGE)
                            .setCategory(LabelCategory.EXCHANGE)
                            .setSource("test list")
                            .build());
            pipe(driver, topics.prices(), "1:native", price("native", 3000, 18));
            pipe(driver, topics.prices(), "1:" + CatalogueScenario.USDC, price(CatalogueScenario.USDC, 1, 6));
            for (String tx : scenario.signed()) {
                pipe(
                        driver,
                        topics.signedTx(),
                        "1:" + tx,
                        SignedTransaction.newBuilder()
                                .setChainId(1)
                                .setTxHash(tx)
                                .setFrom("signer")
                                .setSignedAt(START)
                                .build());
            }
            TestOutputTopic<String, DrainAlert> alerts = driver.createOutputTopic(
                    topics.alerts(),
                    new StringDeserializer(),
                    AvroSerde.of(DrainAlert.class).deserializer());
            var transfers =
                    driver.createInputTopic(topics.transfers(), new StringSerializer(), new ByteArraySerializer());
            var approvals =
                    driver.createInputTopic(topics.approvals(), new StringSerializer(), new ByteArraySerializer());
            var delegations =
                    driver.createInputTopic(topics.delegations(), new StringSerializer(), new ByteArraySerializer());
            List<List<DrainAlert>> after = new ArrayList<>();
            for (SpecificRecord e : scenario.events()) {
                switch (e) {
                    case TransferEvent t ->
                        transfers.pipeInput(
                                "1:" + t.getFrom(),
                                AvroSerde.of(TransferEvent.class).encode(t),
                                t.getBlockTime());
                    case ApprovalEvent a ->
                        approvals.pipeInput(
                                "1:" + a.getOwner(),
                                AvroSerde.of(ApprovalEvent.class).encode(a),
                                a.getBlockTime());
                    case DelegationEvent d ->
                        delegations.pipeInput(
                                "1:" + d.getAuthority(),
                                AvroSerde.of(DelegationEvent.class).encode(d),
                                d.getBlockTime());
                    default -> throw new IllegalStateException();
                }
                after.add(alerts.readValuesToList());
            }
            return new Run(scenario, after);
        }
    }

    private static TokenPrice price(String asset, double usd, int decimals) {
        return TokenPrice.newBuilder()
                .setChainId(1)
                .setAsset(asset)
                .setUsdPrice(usd)
                .setDecimals(decimals)
                .setUpdatedAt(START)
                .build();
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> void pipe(TopologyTestDriver driver, String topic, String key, V value) {
        AvroSerde<V> serde = AvroSerde.of((Class<V>) value.getClass());
        driver.createInputTopic(topic, new StringSerializer(), serde.serializer())
                .pipeInput(key, value, START);
    }

    private static List<DrainAlert> of(List<DrainAlert> alerts, String rule, String subject) {
        return alerts.stream()
                .filter(a -> a.getRule().equals(rule) && a.getSubject().equals(subject))
                .toList();
    }

    private void check(long seed, String set) {
        Run run = run(seed);
        CatalogueScenario s = run.scenario();
        int drainers = 0;
        int sweepers = 0;
        int drips = 0;
        int exits = 0;
        List<String> dripSteps = new ArrayList<>();
        for (CatalogueScenario.Attack a : s.attacks()) {
            switch (a.shape()) {
                case APPROVAL_DRAINER -> {
                    int approval = run.indexOf(s.events().stream()
                            .filter(e -> e instanceof ApprovalEvent ae
                                    && ae.getOwner().equals(a.wallet()))
                            .map(e -> ((ApprovalEvent) e).getTxHash())
                            .findFirst()
                            .orElseThrow());
                    assertThat(of(run.afterEvent().get(approval), "unknown-approval", a.wallet()))
                            .as("seed %d: approval of %s alerted in its own block", seed, a.wallet())
                            .singleElement()
                            .satisfies(alert -> {
                                assertThat(alert.getFirstBlock()).isEqualTo(a.grantBlock());
                                assertThat(alert.getSeverity()).isEqualTo(Severity.HIGH);
                            });
                    int pull = run.indexOf(a.steps().get(0));
                    assertThat(of(run.afterEvent().get(pull), "unknown-approval", a.wallet()))
                            .as("seed %d: the spender's pull escalates the same alert", seed)
                            .singleElement()
                            .satisfies(alert -> {
                                assertThat(alert.getSeverity()).isEqualTo(Severity.CRITICAL);
                                assertThat(alert.getSummary()).contains(Money.shortAddress(a.actor()));
                            });
                    drainers++;
                    if (a.exitTx() != null) {
                        int exit = run.indexOf(a.exitTx());
                        assertThat(of(run.afterEvent().get(exit), "funds-exit", a.receiver()))
                                .as("seed %d: drained funds reaching the exchange", seed)
                                .singleElement()
                                .satisfies(alert -> {
                                    assertThat(alert.getSeverity()).isEqualTo(Severity.HIGH);
                                    assertThat(alert.getWallets()).containsExactly(a.wallet());
                                    assertThat(alert.getDescription())
                                            .contains(a.steps().get(0))
                                            .contains(a.exitTx());
                                });
                        exits++;
                    }
                }
                case DELEGATION_SWEEPER -> {
                    int delegation = run.indexOf(s.events().stream()
                            .filter(e -> e instanceof DelegationEvent d
                                    && d.getAuthority().equals(a.wallet()))
                            .map(e -> ((DelegationEvent) e).getTxHash())
                            .findFirst()
                            .orElseThrow());
                    assertThat(of(run.afterEvent().get(delegation), "delegation", a.wallet()))
                            .as("seed %d: delegation of %s critical at its block", seed, a.wallet())
                            .singleElement()
                            .satisfies(alert -> {
                                assertThat(alert.getSeverity()).isEqualTo(Severity.CRITICAL);
                                assertThat(alert.getFirstBlock()).isEqualTo(a.grantBlock());
                            });
                    List<DrainAlert> all = of(run.all(), "delegation", a.wallet());
                    assertThat(all)
                            .extracting(DrainAlert::getAlertId)
                            .containsOnly(all.get(0).getAlertId());
                    assertThat(all.get(all.size() - 1).getTxHashes())
                            .as("seed %d: every forward in the same alert", seed)
                            .containsAll(a.steps());
                    sweepers++;
                }
                case SLOW_DRIP -> {
                    int firstHigh = -1;
                    int first = -1;
                    for (int i = 0; i < a.steps().size(); i++) {
                        List<DrainAlert> v =
                                of(run.afterEvent().get(run.indexOf(a.steps().get(i))), "velocity", a.wallet());
                        if (first < 0 && !v.isEmpty()) {
                            first = i + 1;
                        }
                        if (firstHigh < 0 && v.stream().anyMatch(x -> x.getSeverity() == Severity.HIGH)) {
                            firstHigh = i + 1;
                        }
                    }
                    dripSteps.add(first + "/" + firstHigh + "/" + a.steps().size());
                    assertThat(first)
                            .as("seed %d: drip alerted at its first step", seed)
                            .isEqualTo(1);
                    assertThat(firstHigh)
                            .as("seed %d: drip high before the wallet is empty", seed)
                            .isBetween(2, a.steps().size());
                    drips++;
                }
            }
        }
        List<String> falseAlerts = run.all().stream()
                .filter(alert -> s.lookAlikes().contains(alert.getSubject())
                        || alert.getWallets().stream().anyMatch(s.lookAlikes()::contains))
                .map(alert -> alert.getRule() + " " + alert.getSummary())
                .toList();
        System.out.println(set + " seed=" + seed + " approval-drainers=" + drainers + " delegation-sweepers=" + sweepers
                + " drips(first/high/steps)=" + dripSteps + " exits=" + exits + " look-alikes="
                + s.lookAlikes().size() + " alerts-on-look-alikes=" + falseAlerts.size());
        assertThat(falseAlerts)
                .as("seed %d: alerts on the custodian's own operations", seed)
                .isEmpty();
    }

    @ParameterizedTest(name = "tuning seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void tuningSeeds(long seed) {
        check(seed, "tuning");
    }

    @ParameterizedTest(name = "held-out seed {0}")
    @ValueSource(longs = {2027, 31337, 4242})
    void heldOutSeeds(long seed) {
        check(seed, "held-out");
    }
}
