package io.drainwatch.detector.alert;

import io.drainwatch.detector.rules.FleetState;
import io.drainwatch.detector.rules.Money;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import io.drainwatch.schemas.Severity;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Turns a custody group's incident totals into the {@link DrainIncident} record that pages. */
public final class IncidentRecords {
    static final int MAX_DESTINATIONS = 50;

    private IncidentRecords() {}

    public static DrainIncident toRecord(
            String group, FleetState.Incident incident, AlertStatus status, double atRiskUsd, long now) {
        List<IncidentDestination> destinations = incident.destinations().entrySet().stream()
                .map(e -> new IncidentDestination(
                        e.getKey(), e.getValue().wallets(), e.getValue().usd()))
                .sorted(Comparator.comparingDouble(IncidentDestination::getValueUsd)
                        .reversed()
                        .thenComparing(IncidentDestination::getAddress))
                .limit(MAX_DESTINATIONS)
                .toList();
        String where = destinations.stream()
                .limit(3)
                .map(d -> Money.shortAddress(d.getAddress()) + " (" + d.getWallets() + " wallets, "
                        + Money.usd(d.getValueUsd()) + ")")
                .collect(Collectors.joining(", "));
        String summary = incident.walletsDrained() + " wallets drained in custody group " + group + ": "
                + Money.usd(incident.valueLostUsd()) + " lost, " + Money.usd(atRiskUsd)
                + " still at risk, funds sent to " + incident.destinations().size() + " addresses";
        String description = switch (status) {
            case RESOLVED -> "No newly drained wallet for the quiet period; the incident is resolved. " + summary + ".";
            case RETRACTED -> "A chain reorganisation removed all evidence of this incident.";
            default ->
                "Attackers are sweeping wallets of custody group " + group + ". " + incident.walletsDrained()
                        + " wallets drained since "
                        + Instant.ofEpochMilli(incident.firstEvidence()) + ", " + Money.usd(incident.valueLostUsd())
                        + " lost so far, " + Money.usd(atRiskUsd)
                        + " still held by the group's other watched wallets. Top destinations: " + where
                        + ". Act now: halt withdrawals and signing for the group, move the remaining funds to cold storage with fresh keys, "
                        + "and send the destinations to exchanges and bridges for freezing.";
        };
        return DrainIncident.newBuilder()
                .setIncidentId(incident.incidentId())
                .setCustodyGroup(group)
                .setStatus(status)
                .setSeverity(Severity.CRITICAL)
                .setVersion(incident.version())
                .setChainIds(incident.chainIds())
                .setOpenedAt(Instant.ofEpochMilli(incident.openedAt()))
                .setUpdatedAt(Instant.ofEpochMilli(now))
                .setFirstEvidenceTime(Instant.ofEpochMilli(incident.firstEvidence()))
                .setLastEvidenceTime(Instant.ofEpochMilli(incident.lastEvidence()))
                .setWalletsDrained(incident.walletsDrained())
                .setWallets(incident.latestWallets())
                .setValueLostUsd(incident.valueLostUsd())
                .setValueAtRiskUsd(atRiskUsd)
                .setDestinations(destinations)
                .setAlertIds(incident.alertIds())
                .setRules(incident.rules())
                .setSummary(status == AlertStatus.RESOLVED ? "Resolved: " + summary : summary)
                .setDescription(description)
                .build();
    }
}
