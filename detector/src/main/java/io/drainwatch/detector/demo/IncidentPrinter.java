package io.drainwatch.detector.demo;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints what the detector says as a person wants to read it: the first alerts of an attack one by
 * one, then the incident as it grows (at most a line a second, plus every change of status), and
 * alerts that belong to no open incident, such as a payment to a sanctioned address.
 */
public final class IncidentPrinter implements AlertWatch.Listener {
    private static final Duration MIN_GAP = Duration.ofSeconds(1);

    private final PrintWriter out;
    private final Map<String, DrainIncident> printed = new HashMap<>();
    private final Map<String, Instant> printedAt = new HashMap<>();
    private final Map<String, DrainIncident> latest = new HashMap<>();
    private final Map<String, Boolean> openInGroup = new HashMap<>();
    private int folded;

    public IncidentPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void alert(DrainAlert a) {
        if (a.getStatus() != AlertStatus.FIRING || a.getSeverity().compareTo(Severity.MEDIUM) < 0) {
            return;
        }
        boolean inIncident = openInGroup.getOrDefault(a.getCustodyGroup(), false);
        if (inIncident && !a.getRule().equals("denylisted-counterparty")) {
            folded++;
            return;
        }
        out.println(Display.alert(a));
        out.flush();
    }

    @Override
    public synchronized void incident(DrainIncident i) {
        latest.put(i.getIncidentId(), i);
        boolean open = i.getStatus() == AlertStatus.FIRING || i.getStatus() == AlertStatus.UPDATED;
        openInGroup.put(i.getCustodyGroup(), open);
        DrainIncident previous = printed.get(i.getIncidentId());
        Instant now = Instant.now();
        boolean statusChanged =
                previous == null || (previous.getStatus() != i.getStatus() && i.getStatus() != AlertStatus.UPDATED);
        boolean grew = previous != null
                && previous.getWalletsDrained() != i.getWalletsDrained()
                && Duration.between(printedAt.get(i.getIncidentId()), now).compareTo(MIN_GAP) >= 0;
        if (statusChanged || grew) {
            print(i, now);
        }
    }

    /** Prints the newest state of each incident that was not printed yet, and how many alerts were folded into incidents. */
    public synchronized void finish() {
        for (DrainIncident i : latest.values()) {
            DrainIncident previous = printed.get(i.getIncidentId());
            if (previous == null || previous.getVersion() != i.getVersion()) {
                print(i, Instant.now());
            }
        }
        if (folded > 0) {
            out.println("         (" + folded + " more alerts on wallets of an open incident are counted in it)");
        }
        out.flush();
    }

    private void print(DrainIncident i, Instant now) {
        out.println(Display.incident(i));
        out.flush();
        printed.put(i.getIncidentId(), i);
        printedAt.put(i.getIncidentId(), now);
    }
}
