package io.drainwatch.detector.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What the velocity, dormant-wake and combined-signals rules remember about one watched wallet, on block
 * time. Immutable; rules return an updated copy.
 *
 * @param window outflows to addresses that are not legitimate within the velocity window, oldest first
 * @param hourStart start of the hour being summed for the baseline (0 before the first such outflow)
 * @param hourUsd value sent to addresses that are not legitimate in that hour
 * @param baseline the learned hourly value (EWMA over completed hours)
 * @param lastOutflow block time of the latest outflow (0: none seen)
 * @param firstSeen block time of the first event seen for the wallet (0: none)
 * @param signals recent low and medium findings, for combined-signals, oldest first
 */
public record Activity(
        List<Spend> window,
        long hourStart,
        double hourUsd,
        double baseline,
        long lastOutflow,
        long firstSeen,
        List<Signal> signals) {
    static final int MAX_WINDOW = 256;
    static final int MAX_SIGNALS = 32;

    public static Activity empty() {
        return new Activity(List.of(), 0, 0, 0, 0, 0, List.of());
    }

    /** One outflow to an address that is not legitimate, for the velocity window. */
    public record Spend(String eventId, long time, double usd, String to) {}

    /** One low or medium finding on the wallet, with its weight for combined-signals. */
    public record Signal(String rule, String eventId, long time, int weight) {}

    Activity withWindow(List<Spend> next) {
        List<Spend> bounded = next.size() > MAX_WINDOW ? next.subList(next.size() - MAX_WINDOW, next.size()) : next;
        return new Activity(List.copyOf(bounded), hourStart, hourUsd, baseline, lastOutflow, firstSeen, signals);
    }

    Activity withHour(long start, double usd, double nextBaseline) {
        return new Activity(window, start, usd, nextBaseline, lastOutflow, firstSeen, signals);
    }

    Activity withLastOutflow(long time) {
        return new Activity(window, hourStart, hourUsd, baseline, Math.max(lastOutflow, time), firstSeen, signals);
    }

    /** The copy that has seen an event at block time {@code time}. */
    public Activity seenAt(long time) {
        return firstSeen != 0 && firstSeen <= time
                ? this
                : new Activity(window, hourStart, hourUsd, baseline, lastOutflow, time, signals);
    }

    Activity withSignals(List<Signal> next) {
        List<Signal> bounded = next.size() > MAX_SIGNALS ? next.subList(next.size() - MAX_SIGNALS, next.size()) : next;
        return new Activity(window, hourStart, hourUsd, baseline, lastOutflow, firstSeen, List.copyOf(bounded));
    }

    /** The copy without what the outflow {@code eventId} (removed by a reorganisation) added to the window. */
    public Activity without(String eventId) {
        List<Spend> spends = new ArrayList<>(window);
        spends.removeIf(s -> s.eventId().equals(eventId));
        List<Signal> kept = new ArrayList<>(signals);
        kept.removeIf(s -> s.eventId().equals(eventId));
        return new Activity(
                List.copyOf(spends), hourStart, hourUsd, baseline, lastOutflow, firstSeen, List.copyOf(kept));
    }
}
