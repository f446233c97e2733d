package io.drainwatch.detector.relay;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.IncidentDestination;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns incident and alert records into pages. Labels stay within fixed sets plus the one id that
 * makes each page its own Alertmanager alert; everything an engineer reads goes in annotations.
 */
public final class Pages {
    /** {@code alertname} of an incident page. */
    public static final String INCIDENT_ALERTNAME = "DrainwatchIncident";
    /** {@code alertname} of an alert page. */
    public static final String ALERT_ALERTNAME = "DrainwatchAlert";

    private static final int MAX_LISTED = 10;
    private final RelayConfig config;

    public Pages(RelayConfig config) {
        this.config = config;
    }

    /** The key a record of a kind is tracked under. */
    public static String key(Page.Kind kind, String recordKey) {
        return kind.label() + "/" + recordKey;
    }

    /** The page of an incident's latest state. */
    public Page incident(DrainIncident incident) {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("alertname", INCIDENT_ALERTNAME);
        labels.put("severity", severity(incident.getSeverity().name()));
        labels.put("custody_group", incident.getCustodyGroup());
        labels.put("incident_id", incident.getIncidentId());
        // The first chain, not the whole set: labels must not change while the attack spreads to more chains.
        labels.put(
                "chain",
                incident.getChainIds().isEmpty()
                        ? "unknown"
                        : String.valueOf(incident.getChainIds().get(0)));

        Map<String, String> a = new LinkedHashMap<>();
        a.put("summary", incident.getSummary());
        a.put("description", incident.getDescription());
        a.put("wallets_drained", String.valueOf(incident.getWalletsDrained()));
        a.put("value_lost_usd", usd(incident.getValueLostUsd()));
        a.put(
                "value_at_risk_usd",
                incident.getValueAtRiskUsd() == null ? "unknown" : usd(incident.getValueAtRiskUsd()));
        a.put("destinations", destinations(incident.getDestinations()));
        a.put("explorer_links", destinationLinks(incident));
        a.put("wallets", listed(incident.getWallets(), incident.getWalletsDrained()));
        a.put(
                "rules",
                incident.getRules().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")));
        a.put("chains", incident.getChainIds().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        a.put("first_evidence", incident.getFirstEvidenceTime().toString());
        a.put("last_evidence", incident.getLastEvidenceTime().toString());
        a.put("status", incident.getStatus().name());
        a.put("version", String.valueOf(incident.getVersion()));
        a.put("runbook_url", config.runbook("drain-incident"));
        if (config.dashboardUrl() != null) {
            a.put("dashboard_url", config.dashboardUrl());
        }
        Instant resolvedAt =
                incident.getStatus() == AlertStatus.RESOLVED || incident.getStatus() == AlertStatus.RETRACTED
                        ? incident.getUpdatedAt()
                        : null;
        return new Page(
                key(Page.Kind.INCIDENT, incident.getIncidentId()),
                Page.Kind.INCIDENT,
                labels,
                a,
                incident.getOpenedAt(),
                resolvedAt,
                config.dashboardUrl(),
                new Page.Figures(
                        incident.getWalletsDrained(),
                        incident.getValueLostUsd(),
                        incident.getValueAtRiskUsd() == null ? 0 : incident.getValueAtRiskUsd()));
    }

    /** The page of an alert's latest state. */
    public Page alert(DrainAlert alert) {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("alertname", ALERT_ALERTNAME);
        labels.put("rule", alert.getRule());
        labels.put("severity", severity(alert.getSeverity().name()));
        labels.put("custody_group", alert.getCustodyGroup());
        labels.put("chain", String.valueOf(alert.getChainId()));
        labels.put("alert_id", alert.getAlertId());

        Map<String, String> a = new LinkedHashMap<>();
        a.put("summary", alert.getSummary());
        a.put("description", alert.getDescription());
        a.put("subject", alert.getSubject());
        a.put("wallets", listed(alert.getWallets(), alert.getWallets().size()));
        a.put("wallets_drained", String.valueOf(alert.getWallets().size()));
        if (alert.getDestination() != null) {
            a.put("destination", alert.getDestination());
        }
        a.put("value_usd", alert.getUsdValue() == null ? "unknown" : usd(alert.getUsdValue()));
        a.put("tx_hashes", listed(alert.getTxHashes(), alert.getTxHashes().size()));
        a.put("explorer_links", alertLinks(alert));
        a.put("blocks", alert.getFirstBlock() + "-" + alert.getLastBlock());
        a.put("confirmations", String.valueOf(alert.getConfirmations()));
        if (alert.getIncidentId() != null) {
            a.put("incident_id", alert.getIncidentId());
        }
        a.put("status", alert.getStatus().name());
        a.put("runbook_url", config.runbook("drain-alert"));
        if (config.dashboardUrl() != null) {
            a.put("dashboard_url", config.dashboardUrl());
        }
        Instant resolvedAt = alert.getStatus() == AlertStatus.RESOLVED || alert.getStatus() == AlertStatus.RETRACTED
                ? alert.getDetectedAt()
                : null;
        return new Page(
                key(Page.Kind.ALERT, alert.getAlertId()),
                Page.Kind.ALERT,
                labels,
                a,
                alert.getFirstEvidenceTime(),
                resolvedAt,
                config.dashboardUrl(),
                null);
    }

    private String destinations(List<IncidentDestination> destinations) {
        return destinations.stream()
                .sorted(Comparator.comparingDouble(IncidentDestination::getValueUsd)
                        .reversed())
                .limit(MAX_LISTED)
                .map(d -> d.getAddress() + " (" + d.getWallets() + " wallets, " + usd(d.getValueUsd()) + ")")
                .collect(Collectors.joining("\n"));
    }

    private String destinationLinks(DrainIncident incident) {
        List<String> links = new ArrayList<>();
        long defaultChain =
                incident.getChainIds().isEmpty() ? -1 : incident.getChainIds().get(0);
        for (IncidentDestination d : incident.getDestinations()) {
            String address = d.getAddress();
            long chain = defaultChain;
            int colon = address.indexOf(':');
            if (colon > 0) {
                chain = Long.parseLong(address.substring(0, colon));
                address = address.substring(colon + 1);
            }
            String explorer = config.explorers().get(chain);
            if (explorer != null) {
                links.add(trimSlash(explorer) + "/address/" + address);
            }
            if (links.size() == MAX_LISTED) {
                break;
            }
        }
        return String.join("\n", links);
    }

    private String alertLinks(DrainAlert alert) {
        if (!alert.getLinks().isEmpty()) {
            return String.join(
                    "\n",
                    alert.getLinks()
                            .subList(0, Math.min(MAX_LISTED, alert.getLinks().size())));
        }
        String explorer = config.explorers().get(alert.getChainId());
        if (explorer == null) {
            return "";
        }
        return alert.getTxHashes().stream()
                .limit(MAX_LISTED)
                .map(tx -> trimSlash(explorer) + "/tx/" + tx)
                .collect(Collectors.joining("\n"));
    }

    private static String listed(List<String> items, int total) {
        String shown = String.join(", ", items.subList(0, Math.min(MAX_LISTED, items.size())));
        int more = Math.max(total, items.size()) - Math.min(MAX_LISTED, items.size());
        return more > 0 ? shown + " and " + more + " more" : shown;
    }

    static String usd(double value) {
        return String.format(Locale.ROOT, "$%,.2f", value);
    }

    private static String severity(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
