package io.drainwatch.detector.backtest;

import io.drainwatch.detector.backtest.BacktestReport.AlertLine;
import io.drainwatch.detector.backtest.BacktestReport.IncidentEvent;
import io.drainwatch.detector.backtest.BacktestReport.IncidentTimeline;
import io.drainwatch.detector.backtest.BacktestReport.PagedWallet;
import io.drainwatch.detector.backtest.BacktestReport.TruthFigures;
import io.drainwatch.detector.backtest.BacktestReport.VictimOutcome;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The backtest report as one self-contained HTML page: styles inline, no script, font or image from
 * anywhere, and a timeline chart per custody group drawn as inline SVG (one mark per alert on a lane
 * of its severity, incidents as spans with a tick per wallet joining).
 */
public final class ReportHtml {
    private static final int WIDTH = 960;
    private static final int LEFT = 96;
    private static final int RIGHT = 24;
    private static final int LANE = 24;
    private static final int TOP = 16;
    private static final List<String> LANES = List.of("INCIDENT", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO");

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
            header{background:#1f2937;color:#fff;padding:18px 32px}
            header h1{margin:0 0 4px;font-size:22px}
            header p{margin:0;color:#cbd5e1}
            main{padding:8px 32px 40px;max-width:1100px}
            h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
            .cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:18px}
            .card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:130px}
            .card .figure{font-size:26px;font-weight:600}
            .card .label{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
            table{border-collapse:collapse;background:#fff;margin:6px 0 12px}
            th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
            th{background:#eef1f4}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
            figure{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:10px 0;padding:8px}
            figcaption{font-weight:600;margin:0 0 4px 4px}
            .tables{display:flex;flex-wrap:wrap;gap:24px}
            .legend span{display:inline-block;margin-right:14px;font-size:12px}
            .legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:-1px}
            .sev-CRITICAL{fill:#b3261e;background:#b3261e}.sev-HIGH{fill:#e8710a;background:#e8710a}
            .sev-MEDIUM{fill:#f9ab00;background:#f9ab00}.sev-LOW{fill:#1e88e5;background:#1e88e5}
            .sev-INFO{fill:#9e9e9e;background:#9e9e9e}
            .incident-span{fill:#6a1b9a;fill-opacity:.18;stroke:#6a1b9a}
            .incident-join{stroke:#6a1b9a;stroke-width:2}
            .lane{stroke:#eaeef2}.axis{stroke:#57606a}.tick{font-size:11px;fill:#57606a}
            .lane-label{font-size:11px;fill:#57606a}
            .missed{color:#b3261e;font-weight:600}.ok{color:#1a7f37;font-weight:600}
            """;

    private ReportHtml() {}

    /** The page of {@code report}. */
    public static String render(BacktestReport report) {
        BacktestReport.Run run = report.run();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>drainwatch backtest: chain ")
                .append(run.chainId())
                .append(", blocks ")
                .append(run.fromBlock())
                .append("–")
                .append(run.toBlock())
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<header><h1>drainwatch backtest</h1><p>chain ")
                .append(run.chainId())
                .append(" · blocks ")
                .append(run.fromBlock())
                .append("–")
                .append(run.toBlock())
                .append(" (")
                .append(run.blocks())
                .append(" blocks) · node ")
                .append(esc(run.node()))
                .append(" · started ")
                .append(esc(run.startedAt()))
                .append(" · ")
                .append(String.format(Locale.ROOT, "%.1f", run.seconds()))
                .append(" s</p></header>\n<main>\n");
        summary(h, report);
        timelines(h, report);
        alertTables(h, report);
        incidents(h, report);
        paged(h, report);
        truth(h, report.truth());
        alertList(h, report.alertList());
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, BacktestReport report) {
        h.append("<section id=\"summary\" class=\"cards\">");
        card(h, "alerts", Integer.toString(report.alerts().total()), "alerts");
        card(h, "incidents", Integer.toString(report.incidents().size()), "incidents");
        card(h, "paged-wallets", Integer.toString(report.pagedWallets().size()), "wallets paged");
        TruthFigures t = report.truth();
        if (t != null) {
            card(h, "recall", percent(t.recall()), "recall (" + t.victimsPaged() + " of " + t.victims() + " victims)");
            card(h, "false-pages", Integer.toString(t.falsePages().size()), "false pages");
            card(h, "median-delay", blocks(t.medianDelayBlocks()), "median delay to page");
        }
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String id, String figure, String label) {
        h.append("<div class=\"card\"><div class=\"figure\" id=\"")
                .append(id)
                .append("\">")
                .append(esc(figure))
                .append("</div><div class=\"label\">")
                .append(esc(label))
                .append("</div></div>");
    }

    private static void timelines(StringBuilder h, BacktestReport report) {
        TreeSet<String> groups = new TreeSet<>(report.run().custodyGroups());
        report.alertList().forEach(a -> groups.add(a.custodyGroup()));
        report.incidents().forEach(i -> groups.add(i.custodyGroup()));
        h.append("<section id=\"timelines\"><h2>Timeline per custody group</h2>");
        h.append("<p class=\"legend\">");
        for (String sev : LANES.subList(1, LANES.size())) {
            h.append("<span><i class=\"sev-")
                    .append(sev)
                    .append("\"></i>")
                    .append(sev.toLowerCase(Locale.ROOT))
                    .append(" alert</span>");
        }
        h.append("<span><i style=\"background:#6a1b9a\"></i>incident (ticks: wallets joining)</span></p>");
        if (groups.isEmpty()) {
            h.append("<p>No custody group, no alert and no incident.</p>");
        }
        int n = 0;
        for (String group : groups) {
            chart(h, report, group, n++);
        }
        h.append("</section>\n");
    }

    private static void chart(StringBuilder h, BacktestReport report, String group, int index) {
        BacktestReport.Run run = report.run();
        int height = TOP + LANE * LANES.size() + 34;
        h.append("<figure><figcaption>")
                .append(esc(group))
                .append("</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" id=\"timeline-")
                .append(index)
                .append("\" data-group=\"")
                .append(esc(group))
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(height)
                .append("\" role=\"img\"><title>")
                .append(esc("Alerts and incidents of custody group " + group + " over block number"))
                .append("</title>");
        for (int lane = 0; lane < LANES.size(); lane++) {
            int y = laneY(lane);
            h.append("<line class=\"lane\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(y)
                    .append("\" y2=\"")
                    .append(y)
                    .append("\"/><text class=\"lane-label\" x=\"8\" y=\"")
                    .append(y + 4)
                    .append("\">")
                    .append(LANES.get(lane).toLowerCase(Locale.ROOT))
                    .append("</text>");
        }
        int axisY = laneY(LANES.size() - 1) + LANE / 2 + 4;
        h.append("<line class=\"axis\" x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(WIDTH - RIGHT)
                .append("\" y1=\"")
                .append(axisY)
                .append("\" y2=\"")
                .append(axisY)
                .append("\"/>");
        long span = Math.max(1, run.toBlock() - run.fromBlock());
        int ticks = (int) Math.min(6, span + 1);
        for (int t = 0; t < ticks; t++) {
            long block = run.fromBlock() + Math.round((double) span * t / Math.max(1, ticks - 1));
            double x = x(run, block);
            h.append("<line class=\"axis\" x1=\"")
                    .append(fmt(x))
                    .append("\" x2=\"")
                    .append(fmt(x))
                    .append("\" y1=\"")
                    .append(axisY)
                    .append("\" y2=\"")
                    .append(axisY + 4)
                    .append("\"/><text class=\"tick\" text-anchor=\"middle\" x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(axisY + 17)
                    .append("\">")
                    .append(block)
                    .append("</text>");
        }
        for (IncidentTimeline incident : report.incidents()) {
            if (!incident.custodyGroup().equals(group)) {
                continue;
            }
            long end = incident.resolvedAfterBlock() == null ? run.toBlock() : incident.resolvedAfterBlock();
            double x1 = x(run, incident.openedAtBlock());
            double x2 = Math.max(x1 + 2, x(run, end));
            int y = laneY(0);
            h.append("<rect class=\"incident-span\" data-incident-id=\"")
                    .append(esc(incident.incidentId()))
                    .append("\" x=\"")
                    .append(fmt(x1))
                    .append("\" y=\"")
                    .append(y - 8)
                    .append("\" width=\"")
                    .append(fmt(x2 - x1))
                    .append("\" height=\"16\" rx=\"3\"><title>")
                    .append(esc(incident.incidentId() + ": " + incident.walletsDrained() + " wallets, opened at block "
                            + incident.openedAtBlock() + ", "
                            + incident.status().toLowerCase(Locale.ROOT)))
                    .append("</title></rect>");
            for (IncidentEvent e : incident.events()) {
                if (e.wallets().isEmpty()) {
                    continue;
                }
                double x = x(run, e.block());
                h.append("<line class=\"incident-join\" x1=\"")
                        .append(fmt(x))
                        .append("\" x2=\"")
                        .append(fmt(x))
                        .append("\" y1=\"")
                        .append(y - 8)
                        .append("\" y2=\"")
                        .append(y + 8)
                        .append("\"><title>")
                        .append(esc("block " + e.block() + ": " + e.kind().toLowerCase(Locale.ROOT) + ", "
                                + e.wallets().size() + " wallet(s)"))
                        .append("</title></line>");
            }
        }
        for (AlertLine alert : report.alertList()) {
            if (!alert.custodyGroup().equals(group)) {
                continue;
            }
            int lane = Math.max(1, LANES.indexOf(alert.severity()));
            h.append("<circle class=\"alert-mark sev-")
                    .append(alert.severity())
                    .append("\" data-alert-id=\"")
                    .append(esc(alert.alertId()))
                    .append("\" data-block=\"")
                    .append(alert.firstBlock())
                    .append("\" cx=\"")
                    .append(fmt(x(run, alert.firstBlock())))
                    .append("\" cy=\"")
                    .append(laneY(lane))
                    .append("\" r=\"5\" fill-opacity=\"0.8\"><title>")
                    .append(esc(alert.rule() + " (" + alert.severity().toLowerCase(Locale.ROOT) + ") at block "
                            + alert.firstBlock() + ": " + alert.summary()))
                    .append("</title></circle>");
        }
        h.append("</svg></figure>");
    }

    private static int laneY(int lane) {
        return TOP + LANE / 2 + lane * LANE;
    }

    private static double x(BacktestReport.Run run, long block) {
        long span = Math.max(1, run.toBlock() - run.fromBlock());
        double at = Math.min(Math.max(block, run.fromBlock()), run.toBlock()) - run.fromBlock();
        return LEFT + 6 + (WIDTH - LEFT - RIGHT - 12) * at / span;
    }

    private static void alertTables(StringBuilder h, BacktestReport report) {
        h.append("<section id=\"alerts\"><h2>Alerts</h2><div class=\"tables\">");
        counts(h, "alerts-by-rule", "rule", report.alerts().byRule());
        counts(h, "alerts-by-severity", "severity", report.alerts().bySeverity());
        counts(h, "alerts-by-group", "custody group", report.alerts().byGroup());
        h.append("</div></section>\n");
    }

    private static void counts(StringBuilder h, String id, String what, Map<String, Integer> counts) {
        h.append("<table id=\"")
                .append(id)
                .append("\"><tr><th>")
                .append(esc(what))
                .append("</th><th>alerts</th></tr>");
        counts.forEach((k, v) -> h.append("<tr><td>")
                .append(esc(k))
                .append("</td><td class=\"n\">")
                .append(v)
                .append("</td></tr>"));
        if (counts.isEmpty()) {
            h.append("<tr><td colspan=\"2\">none</td></tr>");
        }
        h.append("</table>");
    }

    private static void incidents(StringBuilder h, BacktestReport report) {
        h.append("<section id=\"incidents\"><h2>Incidents</h2>");
        if (report.incidents().isEmpty()) {
            h.append("<p>No incident.</p>");
        }
        for (IncidentTimeline i : report.incidents()) {
            h.append("<div class=\"incident\"><h3><code>")
                    .append(esc(i.incidentId()))
                    .append("</code> · ")
                    .append(esc(i.custodyGroup()))
                    .append(" · ")
                    .append(esc(i.severity().toLowerCase(Locale.ROOT)))
                    .append(" · ")
                    .append(i.walletsDrained())
                    .append(" wallets drained, $")
                    .append(String.format(Locale.ROOT, "%,.0f", i.valueLostUsd()))
                    .append(" lost · ")
                    .append(
                            i.resolvedAfterBlock() == null
                                    ? "still open at the end of the range"
                                    : esc(i.status().toLowerCase(Locale.ROOT)))
                    .append("</h3><table><tr><th>block</th><th>event</th><th>wallets</th></tr>");
            for (IncidentEvent e : i.events()) {
                h.append("<tr><td class=\"n\">")
                        .append(e.block())
                        .append("</td><td>")
                        .append(esc(e.kind().toLowerCase(Locale.ROOT)))
                        .append("</td><td>");
                e.wallets().forEach(w -> h.append("<code>").append(esc(w)).append("</code> "));
                h.append("</td></tr>");
            }
            h.append("</table></div>");
        }
        h.append("</section>\n");
    }

    private static void paged(StringBuilder h, BacktestReport report) {
        h.append("<section id=\"paged\"><h2>Wallets that would have paged</h2>")
                .append("<p>A high or critical alert, or membership of an incident; first page only.</p>")
                .append("<table><tr><th>wallet</th><th>custody group</th><th>first page at block</th><th>by</th></tr>");
        for (PagedWallet p : report.pagedWallets()) {
            pagedRow(h, p);
        }
        if (report.pagedWallets().isEmpty()) {
            h.append("<tr><td colspan=\"4\">none</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static void pagedRow(StringBuilder h, PagedWallet p) {
        h.append("<tr><td><code>")
                .append(esc(p.address()))
                .append("</code></td><td>")
                .append(esc(p.custodyGroup()))
                .append("</td><td class=\"n\">")
                .append(p.block())
                .append("</td><td><code>")
                .append(esc(p.by()))
                .append("</code></td></tr>");
    }

    private static void truth(StringBuilder h, @Nullable TruthFigures t) {
        h.append("<section id=\"truth\"><h2>Against the known victims</h2>");
        if (t == null) {
            h.append("<p>No truth file given (<code>--truth FILE</code>).</p></section>\n");
            return;
        }
        h.append("<p>")
                .append(t.victimsPaged())
                .append(" of ")
                .append(t.victims())
                .append(" victims paged (recall ")
                .append(percent(t.recall()))
                .append("); delay from the first outflow to the first page: median ")
                .append(blocks(t.medianDelayBlocks()))
                .append(", at most ")
                .append(blocks(t.maxDelayBlocks()))
                .append("; ")
                .append(t.falsePages().size())
                .append(" false pages.</p>");
        h.append("<table id=\"victims\"><tr><th>victim</th><th>first outflow block</th>")
                .append("<th>first page block</th><th>delay (blocks)</th></tr>");
        for (VictimOutcome o : t.outcomes()) {
            h.append("<tr><td><code>")
                    .append(esc(o.address()))
                    .append("</code></td><td class=\"n\">")
                    .append(o.firstBlock() == null ? "" : o.firstBlock())
                    .append("</td><td class=\"n\">")
                    .append(o.pagedAtBlock() == null ? "<span class=\"missed\">not paged</span>" : o.pagedAtBlock())
                    .append("</td><td class=\"n\">")
                    .append(o.delayBlocks() == null ? "" : o.delayBlocks())
                    .append("</td></tr>");
        }
        h.append("</table><h3>False pages</h3>")
                .append("<table id=\"false-page-list\"><tr><th>wallet</th><th>custody group</th>")
                .append("<th>first page at block</th><th>by</th></tr>");
        t.falsePages().forEach(p -> pagedRow(h, p));
        if (t.falsePages().isEmpty()) {
            h.append("<tr><td colspan=\"4\"><span class=\"ok\">none</span></td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static void alertList(StringBuilder h, List<AlertLine> alerts) {
        h.append("<section id=\"alert-list\"><h2>Every alert</h2><table><tr><th>first block</th><th>rule</th>")
                .append("<th>severity</th><th>status</th><th>custody group</th><th>summary</th></tr>");
        for (AlertLine a : alerts) {
            h.append("<tr><td class=\"n\">")
                    .append(a.firstBlock())
                    .append("</td><td>")
                    .append(esc(a.rule()))
                    .append("</td><td>")
                    .append(esc(a.severity().toLowerCase(Locale.ROOT)))
                    .append("</td><td>")
                    .append(esc(a.status().toLowerCase(Locale.ROOT)))
                    .append("</td><td>")
                    .append(esc(a.custodyGroup()))
                    .append("</td><td>")
                    .append(esc(a.summary()))
                    .append("</td></tr>");
        }
        if (alerts.isEmpty()) {
            h.append("<tr><td colspan=\"6\">none</td></tr>");
        }
        h.append("</table></section>\n");
    }

    static String percent(@Nullable Double fraction) {
        return fraction == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String blocks(@Nullable Long n) {
        return n == null ? "n/a" : n + (Math.abs(n) == 1 ? " block" : " blocks");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
