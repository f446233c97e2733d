package io.drainwatch.detector.relay;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import io.drainwatch.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Incident and alert records as the detector writes them, for relay tests. */
final class Records {
    static final Instant OPENED = Instant.parse("2026-11-25T03:00:00Z");
    static final String ATTACKER = "0x" + "ab".repeat(20);

    private Records() {}

    static DrainIncident incident(String id, AlertStatus status, Severity severity, int version) {
        return DrainIncident.newBuilder()
                .setIncidentId(id)
                .setCustodyGroup("retail-eu")
                .setStatus(status)
                .setSeverity(severity)
                .setVersion(version)
                .setChainIds(List.of(1L))
                .setOpenedAt(OPENED)
                .setUpdatedAt(OPENED.plusSeconds(60L * version))
                .setFirstEvidenceTime(OPENED.minusSeconds(12))
                .setLastEvidenceTime(OPENED.plusSeconds(30))
                .setWalletsDrained(12)
                .setWallets(List.of("0x" + "01".repeat(20), "0x" + "02".repeat(20)))
                .setValueLostUsd(48_250.5)
                .setValueAtRiskUsd(1_200_000.0)
                .setDestinations(List.of(new IncidentDestination(ATTACKER, 12, 48_250.5)))
                .setAlertIds(List.of("coordinated-sweep/1:" + ATTACKER + "/1"))
                .setRules(Map.of("coordinated-sweep", 1, "balance-drain", 12))
                .setSummary("12 wallets of retail-eu drained to 1 address")
                .setDescription("Coordinated sweep of custody group retail-eu; freeze withdrawals and rotate keys.")
                .build();
    }

    static DrainAlert alert(String id, AlertStatus status, Severity severity) {
        return DrainAlert.newBuilder()
                .setAlertId(id)
                .setRule("coordinated-sweep")
                .setSeverity(severity)
                .setStatus(status)
                .setVersion(1)
                .setChainId(1L)
                .setCustodyGroup("retail-eu")
                .setSubject(ATTACKER)
                .setWallets(List.of("0x" + "01".repeat(20), "0x" + "02".repeat(20), "0x" + "03".repeat(20)))
                .setDestination(ATTACKER)
                .setUsdValue(9_000.0)
                .setTxHashes(List.of("0x" + "aa".repeat(32)))
                .setFirstBlock(100)
                .setLastBlock(102)
                .setFirstEvidenceTime(OPENED.minusSeconds(24))
                .setLastEvidenceTime(OPENED)
                .setDetectedAt(OPENED.plusSeconds(1))
                .setSummary("3 wallets paid one unknown address")
                .setDescription("Three watched wallets paid " + ATTACKER + " within 30 minutes.")
                .build();
    }

    static RelayConfig config(String... alertmanagers) {
        return config(java.time.Duration.ofSeconds(1), alertmanagers);
    }

    static RelayConfig config(java.time.Duration repostInterval, String... alertmanagers) {
        return new RelayConfig(
                java.util.Arrays.stream(alertmanagers).map(java.net.URI::create).toList(),
                repostInterval,
                Severity.CRITICAL,
                "https://runbooks.example/drainwatch",
                "https://grafana.example/d/drainwatch-fleet",
                Map.of(1L, "https://etherscan.io"),
                java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(1));
    }
}
