package io.drainwatch.detector.topology;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs a {@link SweepScenario} through the production topology (built from the production
 * configuration) and measures what an operator would see: which victims a page names, when the
 * incident opened, and whether the custodian's own traffic paged.
 */
final class SweepRun implements AutoCloseable {
    static final Instant START = Instant.parse("2026-06-11T01:00:00Z");

    private final Topics topics = Topics.defaults();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> transfers;
    private final TestOutputTopic<String, DrainAlert> alertsOut;
    private final TestOutputTopic<String, DrainIncident> incidentsOut;
    final List<DrainAlert> alerts = new ArrayList<>();
    final List<DrainIncident> incidents = new ArrayList<>();

    SweepRun(Path stateDir, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("kafka.state.dir", stateDir.toString());
        DetectorConfig config = DetectorConfig.withOverrides(settings, "unused:9092");
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
        driver = new TopologyTestDriver(
                DetectorTopology.build(config, metrics, store -> {}),
                DetectorTopology.streamsProperties(config, metrics),
                START);
        transfers = driver.createInputTopic(topics.transfers(), new StringSerializer(), new ByteArraySerializer());
        alertsOut = driver.createOutputTopic(
                topics.alerts(),
                new StringDeserializer(),
                AvroSerde.of(DrainAlert.class).deserializer());
        incidentsOut = driver.createOutputTopic(
                topics.incidents(),
                new StringDeserializer(),
                AvroSerde.of(DrainIncident.class).deserializer());
        pipe(
                topics.allowlist(),
                "1:" + SweepScenario.HOT + "/*",
                AllowedCounterparty.newBuilder()
                        .setChainId(1)
                        .setAddress(SweepScenario.HOT)
                        .setCustodyGroup("*")
                        .setKind(CounterpartyKind.OWN_HOT)
                        .build());
        pipe(
                topics.labels(),
                "*:" + SweepScenario.EXCHANGE,
                AddressLabel.newBuilder()
                        .setAddress(SweepScenario.EXCHANGE)
                        .setCategory(LabelCategory.EXCHANGE)
                        .setSource("test list")
                        .build());
        price("native", 3000, 18);
        price(SweepScenario.USDC, 1, 6);
    }

    /** What one scenario produced. */
    record Result(
            SweepScenario scenario,
            int victims,
            int named,
            int openedAtVictim,
            List<String> falsePages,
            List<String> unnamed,
            int incidentIds,
            int sweptWhenFunderFired) {

        String line() {
            SweepScenario.Parameters p = scenario.parameters();
            return String.format(
                    "seed=%d victims=%d funder=%s named=%d/%d incident-opened-at-victim=%s false-pages=%d incidents=%d"
                            + " funded=%d common-funder-fired-after-sweeps=%s",
                    p.seed(),
                    victims,
                    p.funderFirst(),
                    named,
                    victims,
                    openedAtVictim == 0 ? "never" : Integer.toString(openedAtVictim),
                    falsePages.size(),
                    incidentIds,
                    scenario.funded().size(),
                    sweptWhenFunderFired < 0 ? "never" : Integer.toString(sweptWhenFunderFired));
        }
    }

    Result run(SweepScenario scenario) {
        scenario.fleet()
                .forEach(w -> pipe(
                        topics.wallets(),
                        "1:" + w,
                        WatchedWallet.newBuilder()
                                .setChainId(1)
                                .setAddress(w)
                                .setCustodyGroup("retail")
                                .build()));
        Set<String> victims = Set.copyOf(scenario.victims());
        Set<String> swept = new LinkedHashSet<>();
        int openedAt = 0;
        int funderFired = -1;
        for (TransferEvent e : scenario.events()) {
            transfers.pipeInput(
                    "1:" + e.getFrom(), AvroSerde.of(TransferEvent.class).encode(e), e.getBlockTime());
            if (victims.contains(e.getFrom())) {
                swept.add(e.getFrom());
            }
            List<DrainAlert> written = alertsOut.readValuesToList();
            alerts.addAll(written);
            if (funderFired < 0 && written.stream().anyMatch(a -> a.getRule().equals("common-funder"))) {
                funderFired = swept.size();
            }
            List<DrainIncident> latest = incidentsOut.readValuesToList();
            incidents.addAll(latest);
            if (openedAt == 0 && latest.stream().anyMatch(i -> i.getStatus() == AlertStatus.FIRING)) {
                openedAt = swept.size();
            }
        }
        Set<String> paged = new LinkedHashSet<>();
        alerts.stream()
                .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0)
                .forEach(a -> {
                    paged.addAll(a.getWallets());
                    paged.add(a.getSubject());
                });
        incidents.stream()
                .filter(i -> i.getStatus() == AlertStatus.FIRING || i.getStatus() == AlertStatus.UPDATED)
                .forEach(i -> paged.addAll(i.getWallets()));
        List<String> unnamed =
                scenario.victims().stream().filter(v -> !paged.contains(v)).toList();
        List<String> falsePages = new ArrayList<>();
        for (DrainAlert a : alerts) {
            if (a.getSeverity().compareTo(Severity.HIGH) >= 0
                    && (a.getWallets().stream().anyMatch(scenario.lookAlikes()::contains)
                            || scenario.lookAlikes().contains(a.getSubject()))) {
                falsePages.add(a.getRule() + " " + a.getSummary());
            }
        }
        for (DrainIncident i : incidents) {
            i.getWallets().stream()
                    .filter(scenario.lookAlikes()::contains)
                    .forEach(w -> falsePages.add("incident " + i.getIncidentId() + " names " + w));
        }
        if (victims.isEmpty()) {
            incidents.forEach(i -> falsePages.add("incident " + i.getIncidentId() + " " + i.getStatus()));
        }
        int incidentIds = (int)
                incidents.stream().map(DrainIncident::getIncidentId).distinct().count();
        return new Result(
                scenario,
                victims.size(),
                victims.size() - unnamed.size(),
                openedAt,
                falsePages,
                unnamed,
                incidentIds,
                funderFired);
    }

    /** Lets wall-clock time pass (quiet alerts resolve) and collects what was written meanwhile. */
    void advance(java.time.Duration duration) {
        driver.advanceWallClockTime(duration);
        alerts.addAll(alertsOut.readValuesToList());
        incidents.addAll(incidentsOut.readValuesToList());
    }

    private void price(String asset, double usd, int decimals) {
        pipe(
                topics.prices(),
                "1:" + asset,
                TokenPrice.newBuilder()
                        .setChainId(1)
                        .setAsset(asset)
                        .setUsdPrice(usd)
                        .setDecimals(decimals)
                        .setUpdatedAt(START)
                        .build());
    }

    @SuppressWarnings("unchecked")
    private <V extends SpecificRecord> void pipe(String topic, String key, V value) {
        AvroSerde<V> serde = AvroSerde.of((Class<V>) value.getClass());
        driver.createInputTopic(topic, new StringSerializer(), serde.serializer())
                .pipeInput(key, value, START);
    }

    @Override
    public void close() {
        driver.close();
    }
}
