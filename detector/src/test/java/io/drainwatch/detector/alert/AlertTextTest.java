package io.drainwatch.detector.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.DrainAlert;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTextTest {
    @Test
    void anAlertReadsAsSeverityStatusRuleWalletGroupValueDestinationAndTxThenItsSummary() {
        String text = AlertText.alert(SampleAlerts.alert());

        assertThat(text.lines())
                .containsExactly(
                        "2026-06-04T10:15:02Z CRITICAL FIRING balance-drain wallet 0x5aae..eaed group retail chain 1  $12,345"
                                + " to 0xfb69..d359 tx 0x6e2b..1706 incident inc-retail-1",
                        "    Wallet 0x5aae..eaed drained: 100% of its ETH sent to an unknown address");
    }

    @Test
    void withoutAPriceTheAmountIsShownInWholeTokens() {
        DrainAlert alert = DrainAlert.newBuilder(SampleAlerts.alert())
                .setUsdValue(null)
                .setAmount(new BigDecimal("1500000000000000000"))
                .setWallets(List.of(SampleAlerts.WALLET, SampleAlerts.DESTINATION))
                .setTxHashes(
                        List.of("0xaaaa000000000000000000000000000000000000000000000000000000000001", SampleAlerts.TX))
                .setIncidentId(null)
                .build();

        assertThat(AlertText.alert(alert).lines().findFirst().orElseThrow())
                .isEqualTo(
                        "2026-06-04T10:15:02Z CRITICAL FIRING balance-drain 2 wallets group retail chain 1  1.5 native"
                                + " to 0xfb69..d359 tx 0x6e2b..1706 (+1 more)");
    }

    @Test
    void anIncidentReadsAsWalletsLostValueAtRiskAndDestinations() {
        String text = AlertText.incident(SampleAlerts.incident());

        assertThat(text.lines())
                .containsExactly(
                        "2026-06-04T10:21:40Z INCIDENT inc-retail-1 retail FIRING CRITICAL 37 wallets drained, $1.2M lost, $4.5M at risk, 3 destinations",
                        "    37 retail wallets drained to 3 addresses");
    }

    @Test
    void dollarAmountsAreRoundedForReading() {
        assertThat(AlertText.compactUsd(950.4)).isEqualTo("$950");
        assertThat(AlertText.compactUsd(45_000)).isEqualTo("$45K");
        assertThat(AlertText.compactUsd(2_200_000)).isEqualTo("$2.2M");
        assertThat(AlertText.usd(1234567.8)).isEqualTo("$1,234,568");
        assertThat(AlertText.usd(3.5)).isEqualTo("$3.50");
    }
}
