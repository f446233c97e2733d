package io.drainwatch.detector.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the demo's detector runs with and how long the demo waits for it: shared by {@code drainwatch
 * demo} and the tests that play the scenario.
 */
public final class DemoSettings {
    /** How long after the last block the detector gets to finish (grace of the signed-transaction check, punctuation). */
    public static final Duration SETTLE = Duration.ofSeconds(4);

    /** The longest wait after the last block for the detector to have its say. */
    public static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

    private DemoSettings() {}

    /** The detector settings of the demo: its own application id and state, the signer check on, fast resolution. */
    public static Map<String, String> detectorSettings(Path stateDir, int metricsPort) {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "drainwatch-demo");
        settings.put("kafka.state.dir", stateDir.toString());
        settings.put("metrics.port", Integer.toString(metricsPort));
        // The demo's custodian publishes every transaction it signs, so an unsigned outflow is theft.
        settings.put("rules.unauthorized-outflow.enabled", "true");
        settings.put("incidents.resolve-after", "15s");
        settings.put("alerts.resolve-after", "15s");
        return settings;
    }

    /** Waits until the detector has had its say on every block: every swept wallet and the sanctioned outflow seen, or a limit. */
    public static void settle(AlertWatch watch, GroundTruth truth, Instant lastBlock) throws InterruptedException {
        Instant earliest = lastBlock.plus(SETTLE);
        Instant limit = lastBlock.plus(SETTLE_LIMIT);
        while (Instant.now().isBefore(limit)) {
            DemoReport report = DemoReport.of(truth, watch.alerts(), watch.incidents(), Optional.empty());
            // The fleet stage comes after the per-wallet one: wait for each group's incident to count what was alerted.
            boolean incidentCaughtUp = true;
            for (String group : Set.copyOf(truth.groups().values())) {
                Set<String> alerted = truth.swept().stream()
                        .filter(s -> s.group().equals(group) && !report.missed().contains(s.address()))
                        .map(GroundTruth.SweptWallet::address)
                        .collect(Collectors.toSet());
                incidentCaughtUp &= watch.incidents().stream()
                        .filter(i -> i.getCustodyGroup().equals(group))
                        .reduce((a, b) -> b)
                        .map(i -> i.getWalletsDrained() >= alerted.size())
                        .orElse(true);
            }
            if (Instant.now().isAfter(earliest)
                    && report.missed().isEmpty()
                    && report.sanctionedAlert().isPresent()
                    && incidentCaughtUp) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
