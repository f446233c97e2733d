package io.drainwatch.detector.alert;

import io.drainwatch.detector.rules.Money;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import io.drainwatch.schemas.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Turns a custody group's open incident into the {@link DrainIncident} record that pages. */
public final class IncidentRecords {
  static final int MAX_WALLETS = 2000;
  static final int MAX_ALERT_IDS = 2000;
  static final int MAX_DESTINATIONS = 50;

  private IncidentRecords() {}

  public static DrainIncident toRecord(String group, FleetState.Incident incident, AlertStatus status, double atRiskUsd, long now) {
    Map<String, FleetState.DrainedWallet> wallets = incident.wallets();
    double lost = wallets.values().stream().mapToDouble(FleetState.DrainedWallet::usd).sum();
    List<IncidentDestination> destinations = FleetState.destinations(wallets).entrySet().stream()
        .map(e -> new IncidentDestination(e.getKey(), (int) e.getValue()[0], e.getValue()[1]))
        .sorted(Comparator.comparingDouble(IncidentDestination::getValueUsd).reversed().thenComparing(IncidentDestination::getAddress))
        .limit(MAX_DESTINATIONS)
        .toList();
    LinkedHashSet<String> alertIds = new LinkedHashSet<>();
    Map<String, Integer> rules = new TreeMap<>();
    Map<String, String> ruleOfAlert = new java.util.HashMap<>();
    wallets.values().forEach(w -> w.hits().values().forEach(h -> {
      alertIds.add(h.alertId());
      ruleOfAlert.put(h.alertId(), h.rule());
    }));
    ruleOfAlert.values().forEach(rule -> rules.merge(rule, 1, Integer::sum));
    List<String> walletList = new ArrayList<>(wallets.keySet());
    if (walletList.size() > MAX_WALLETS) {
      walletList = walletList.subList(walletList.size() - MAX_WALLETS, walletList.size());
    }
    long first = wallets.values().stream().mapToLong(FleetState.DrainedWallet::firstTime).min().orElse(now);
    long last = wallets.values().stream().mapToLong(FleetState.DrainedWallet::lastTime).max().orElse(now);
    String where = destinations.stream().limit(3).map(d -> Money.shortAddress(d.getAddress()) + " (" + d.getWallets() + " wallets, " + Money.usd(d.getValueUsd()) + ")").collect(Collectors.joining(", "));
    String summary = wallets.size() + " wallets drained in custody group " + group + ": " + Money.usd(lost) + " lost, " + Money.usd(atRiskUsd)
        + " still at risk, funds sent to " + FleetState.destinations(wallets).size() + " addresses";
    String description = switch (status) {
      case RESOLVED -> "No new drained wallet for the quiet period; the incident is resolved. " + summary + ".";
      case RETRACTED -> "A chain reorganisation removed all evidence of this incident.";
      default -> "Attackers are sweeping wallets of custody group " + group + ". " + wallets.size() + " wallets drained since "
          + Instant.ofEpochMilli(first) + ", " + Money.usd(lost) + " lost so far, " + Money.usd(atRiskUsd)
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
        .setChainIds(new ArrayList<>(FleetState.chains(wallets)))
        .setOpenedAt(Instant.ofEpochMilli(incident.openedAt()))
        .setUpdatedAt(Instant.ofEpochMilli(now))
        .setFirstEvidenceTime(Instant.ofEpochMilli(first))
        .setLastEvidenceTime(Instant.ofEpochMilli(last))
        .setWalletsDrained(wallets.size())
        .setWallets(walletList)
        .setValueLostUsd(lost)
        .setValueAtRiskUsd(atRiskUsd)
        .setDestinations(destinations)
        .setAlertIds(alertIds.stream().limit(MAX_ALERT_IDS).toList())
        .setRules(rules)
        .setSummary(status == AlertStatus.RESOLVED ? "Resolved: " + summary : summary)
        .setDescription(description)
        .build();
  }
}
