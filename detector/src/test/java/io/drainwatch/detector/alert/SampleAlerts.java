package io.drainwatch.detector.alert;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import io.drainwatch.schemas.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A balance-drain alert and the incident it belongs to, as the detector would write them. */
public final class SampleAlerts {
    public static final String WALLET = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
    public static final String DESTINATION = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";
    public static final String TX = "0x6e2b1d7b3a1f0c9e8d7c6b5a49382716e5d4c3b2a1908f7e6d5c4b3a29181706";
    /** 2^256 - 1: a uint256 amount no double can hold exactly. */
    public static final BigDecimal HUGE =
            new BigDecimal("115792089237316195423570985008687907853269984665640564039457584007913129639935");

    private SampleAlerts() {}

    public static DrainAlert alert() {
        return DrainAlert.newBuilder()
                .setAlertId("balance-drain/1:" + WALLET + "/19000000")
                .setRule("balance-drain")
                .setSeverity(Severity.CRITICAL)
                .setStatus(AlertStatus.FIRING)
                .setVersion(1)
                .setChainId(1L)
                .setCustodyGroup("retail")
                .setSubject(WALLET)
                .setWallets(List.of(WALLET))
                .setDestination(DESTINATION)
                .setAsset("native")
                .setAmount(HUGE)
                .setDecimals(18)
                .setUsdValue(12345.4)
                .setBalanceBefore(new BigDecimal("2000000000000000000"))
                .setBalanceAfter(BigDecimal.ZERO)
                .setTxHashes(List.of(TX))
                .setFirstBlock(19000000L)
                .setLastBlock(19000000L)
                .setFirstEvidenceTime(Instant.parse("2026-06-04T10:15:00Z"))
                .setLastEvidenceTime(Instant.parse("2026-06-04T10:15:00Z"))
                .setDetectedAt(Instant.parse("2026-06-04T10:15:02.250Z"))
                .setConfirmations(0L)
                .setSummary("Wallet 0x5aae..eaed drained: 100% of its ETH sent to an unknown address")
                .setDescription("Freeze the custody group's signing and check the destination.")
                .setThresholds(Map.of("remainingFraction", "0.01"))
                .setLinks(List.of("https://etherscan.io/tx/" + TX))
                .setIncidentId("inc-retail-1")
                .build();
    }

    public static DrainIncident incident() {
        return DrainIncident.newBuilder()
                .setIncidentId("inc-retail-1")
                .setCustodyGroup("retail")
                .setStatus(AlertStatus.FIRING)
                .setSeverity(Severity.CRITICAL)
                .setVersion(3)
                .setChainIds(List.of(1L))
                .setOpenedAt(Instant.parse("2026-06-04T10:15:03Z"))
                .setUpdatedAt(Instant.parse("2026-06-04T10:21:40Z"))
                .setFirstEvidenceTime(Instant.parse("2026-06-04T10:15:00Z"))
                .setLastEvidenceTime(Instant.parse("2026-06-04T10:21:30Z"))
                .setWalletsDrained(37)
                .setWallets(List.of(WALLET))
                .setValueLostUsd(1_234_567.0)
                .setValueAtRiskUsd(4_500_000.0)
                .setDestinations(List.of(
                        new IncidentDestination(DESTINATION, 30, 1_000_000.0),
                        new IncidentDestination("0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", 5, 200_000.0),
                        new IncidentDestination("0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb", 2, 34_567.0)))
                .setAlertIds(List.of("balance-drain/1:" + WALLET + "/19000000"))
                .setRules(Map.of("balance-drain", 37))
                .setSummary("37 retail wallets drained to 3 addresses")
                .setDescription("Stop withdrawals for retail.")
                .build();
    }
}
