package io.drainwatch.detector.alert;

import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Alerts and incidents as text for a terminal: a first line to scan (time, severity, status, rule,
 * wallet, group, value, destination, transaction) and a second line with the alert's summary.
 */
public final class AlertText {
    private AlertText() {}

    /**
     * For example {@code 2026-06-04T10:15:02Z CRITICAL FIRING balance-drain wallet 0x1234..abcd group
     * retail chain 1  $12,345 to 0x9f1e..77a0 tx 0x5e1b..c3d2}, then the summary indented.
     */
    public static String alert(DrainAlert a) {
        StringBuilder line = new StringBuilder()
                .append(time(a.getDetectedAt()))
                .append(' ')
                .append(a.getSeverity())
                .append(' ')
                .append(a.getStatus())
                .append(' ')
                .append(a.getRule())
                .append(' ');
        List<String> wallets = a.getWallets();
        if (wallets.size() == 1) {
            line.append("wallet ").append(shortHex(wallets.get(0)));
        } else if (wallets.isEmpty()) {
            line.append("subject ").append(shortHex(a.getSubject()));
        } else {
            line.append(wallets.size()).append(" wallets");
        }
        line.append(" group ")
                .append(a.getCustodyGroup())
                .append(" chain ")
                .append(a.getChainId())
                .append(' ');
        String value = value(a);
        if (!value.isEmpty()) {
            line.append(' ').append(value);
        }
        if (a.getDestination() != null) {
            line.append(" to ").append(shortHex(a.getDestination()));
        }
        List<String> txs = a.getTxHashes();
        if (!txs.isEmpty()) {
            line.append(" tx ").append(shortHex(txs.get(txs.size() - 1)));
            if (txs.size() > 1) {
                line.append(" (+").append(txs.size() - 1).append(" more)");
            }
        }
        if (a.getIncidentId() != null) {
            line.append(" incident ").append(a.getIncidentId());
        }
        return line.toString().stripTrailing() + System.lineSeparator() + "    " + a.getSummary();
    }

    /**
     * For example {@code 2026-06-04T10:21:40Z INCIDENT inc-7f3a retail FIRING CRITICAL 37 wallets
     * drained, $1.2M lost, $4.5M at risk, 3 destinations}, then the summary indented.
     */
    public static String incident(DrainIncident i) {
        StringBuilder line = new StringBuilder()
                .append(time(i.getUpdatedAt()))
                .append(" INCIDENT ")
                .append(i.getIncidentId())
                .append(' ')
                .append(i.getCustodyGroup())
                .append(' ')
                .append(i.getStatus())
                .append(' ')
                .append(i.getSeverity())
                .append(' ')
                .append(i.getWalletsDrained())
                .append(i.getWalletsDrained() == 1 ? " wallet" : " wallets")
                .append(" drained, ")
                .append(compactUsd(i.getValueLostUsd()))
                .append(" lost, ");
        if (i.getValueAtRiskUsd() != null) {
            line.append(compactUsd(i.getValueAtRiskUsd())).append(" at risk, ");
        }
        int destinations = i.getDestinations().size();
        line.append(destinations).append(destinations == 1 ? " destination" : " destinations");
        return line + System.lineSeparator() + "    " + i.getSummary();
    }

    /** {@code 0x1234..abcd}: enough to tell addresses and hashes apart on a screen. */
    static String shortHex(String hex) {
        return hex.length() > 14 && hex.startsWith("0x")
                ? hex.substring(0, 6) + ".." + hex.substring(hex.length() - 4)
                : hex;
    }

    /** {@code $12,345}; below $10 with cents. */
    static String usd(double value) {
        DecimalFormat format =
                new DecimalFormat(value < 10 ? "#,##0.00" : "#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return "$" + format.format(value);
    }

    /** {@code $1.2M}, {@code $45K}, {@code $950}: incident totals read at a glance. */
    static String compactUsd(double value) {
        if (value >= 1e9) {
            return "$" + oneDecimal(value / 1e9) + "B";
        }
        if (value >= 1e6) {
            return "$" + oneDecimal(value / 1e6) + "M";
        }
        if (value >= 1e3) {
            return "$" + oneDecimal(value / 1e3) + "K";
        }
        return "$" + Math.round(value);
    }

    private static String oneDecimal(double value) {
        return BigDecimal.valueOf(value)
                .setScale(1, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String value(DrainAlert a) {
        if (a.getUsdValue() != null && Double.isFinite(a.getUsdValue())) {
            return usd(a.getUsdValue());
        }
        if (a.getAmount() == null) {
            return "";
        }
        String asset = a.getAsset() == null ? "" : " " + shortHex(a.getAsset());
        BigInteger raw = a.getAmount().toBigInteger();
        if (a.getDecimals() == null) {
            return raw + " raw units" + asset;
        }
        return new BigDecimal(raw, a.getDecimals()).stripTrailingZeros().toPlainString() + asset;
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
