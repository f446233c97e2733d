package io.drainwatch.detector.demo;

import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the demo shows alerts, incidents and money to a person watching a terminal. */
public final class Display {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Display() {}

    /** {@code $512,300} below a million, {@code $4.1M} above. */
    public static String usd(double value) {
        if (Math.abs(value) >= 1_000_000) {
            return String.format(Locale.ROOT, "$%.1fM", value / 1_000_000);
        }
        return String.format(Locale.ROOT, "$%,.0f", value);
    }

    /** {@code 0xab12..cd34}. */
    public static String address(String address) {
        return address.length() < 12
                ? address
                : address.substring(0, 6) + ".." + address.substring(address.length() - 4);
    }

    public static String clock(Instant time) {
        return CLOCK.format(time);
    }

    /** {@code 2.4s} or {@code 350ms}. */
    public static String duration(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /**
     * One line per incident version, e.g. {@code 12:00:03 INCIDENT inc-retail-1 FIRING  37 wallets drained
     * $512,300 lost  $4.1M still at risk  -> 3 destinations (0xab12..cd34 20 wallets, ...)}.
     */
    public static String incident(DrainIncident i) {
        List<IncidentDestination> top = i.getDestinations().stream()
                .sorted(Comparator.comparingInt(IncidentDestination::getWallets).reversed())
                .limit(3)
                .toList();
        String destinations = top.stream()
                .map(d ->
                        address(d.getAddress()) + " " + d.getWallets() + (d.getWallets() == 1 ? " wallet" : " wallets"))
                .collect(Collectors.joining(", "));
        if (i.getDestinations().size() > top.size()) {
            destinations += ", ...";
        }
        return String.format(
                Locale.ROOT,
                "%s INCIDENT %s %-8s %4d wallets drained  %s lost  %s still at risk  -> %d destination%s (%s)",
                clock(i.getUpdatedAt()),
                i.getIncidentId(),
                i.getStatus(),
                i.getWalletsDrained(),
                usd(i.getValueLostUsd()),
                i.getValueAtRiskUsd() == null ? "?" : usd(i.getValueAtRiskUsd()),
                i.getDestinations().size(),
                i.getDestinations().size() == 1 ? "" : "s",
                destinations);
    }

    /** One line for an alert: time, severity, rule and the alert's own summary. */
    public static String alert(DrainAlert a) {
        return String.format(
                Locale.ROOT,
                "%s ALERT    %-8s %-23s %s",
                clock(a.getDetectedAt()),
                a.getSeverity(),
                a.getRule(),
                a.getSummary());
    }
}
