package io.drainwatch.detector.rules;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the per-wallet rules remember about one watched wallet. Immutable; rules return an updated
 * copy.
 *
 * @param drainWindows per asset, the balance-drain window: what could be drained and what was
 * @param counterparties destinations this wallet paid, oldest first, bounded
 * @param topup the latest native deposit from outside the custodian, for gas-topup-sweep
 * @param balances the latest known balance per asset
 * @param recentEvents ids of the latest events seen, so a replayed event is not counted twice
 * @param unexplainedSweeps recent token outflows to outside addresses that no top-up explained yet: a
 *     top-up from an earlier block that arrives after them still pairs with them (gas-topup-sweep)
 */
public record WalletState(
        Map<String, DrainWindow> drainWindows,
        List<String> counterparties,
        @Nullable Topup topup,
        Map<String, BigInteger> balances,
        List<String> recentEvents,
        List<Transfer> unexplainedSweeps) {

    private static final int RECENT_EVENTS = 64;
    private static final int UNEXPLAINED_SWEEPS = 16;

    public WalletState {
        // State written before the field existed has none.
        unexplainedSweeps = unexplainedSweeps == null ? List.of() : List.copyOf(unexplainedSweeps);
    }

    public static WalletState empty() {
        return new WalletState(Map.of(), List.of(), null, Map.of(), List.of(), List.of());
    }

    /**
     * One asset's balance-drain window.
     *
     * @param balanceAtStart what was there to drain: the balance when the window opened, plus deposits
     *     and less legitimate outflows since
     * @param outflow what went to destinations that are not legitimate since the window opened
     */
    public record DrainWindow(long start, BigInteger balanceAtStart, BigInteger outflow) {
        DrainWindow moreExposed(BigInteger amount) {
            return new DrainWindow(start, balanceAtStart.add(amount), outflow);
        }

        DrainWindow lessExposed(BigInteger amount) {
            return new DrainWindow(start, balanceAtStart.subtract(amount).max(BigInteger.ZERO), outflow);
        }
    }

    /** A native deposit from outside the custodian. */
    public record Topup(String from, String txHash, long blockTime, BigInteger amount) {}

    public boolean seen(String eventId) {
        return recentEvents.contains(eventId);
    }

    public WalletState withEvent(String eventId) {
        List<String> events = new ArrayList<>(recentEvents);
        events.add(eventId);
        if (events.size() > RECENT_EVENTS) {
            events.remove(0);
        }
        return new WalletState(drainWindows, counterparties, topup, balances, events, unexplainedSweeps);
    }

    /** The state with {@code eventId} no longer counted, after a reorganisation removed its event. */
    public WalletState withoutEvent(String eventId) {
        List<String> events = new ArrayList<>(recentEvents);
        events.remove(eventId);
        return new WalletState(drainWindows, counterparties, topup, balances, events, unexplainedSweeps);
    }

    public boolean paidBefore(String destination) {
        return counterparties.contains(destination);
    }

    public WalletState withCounterparty(String destination, int limit) {
        List<String> list = new ArrayList<>(counterparties);
        list.remove(destination);
        list.add(destination);
        while (list.size() > limit) {
            list.remove(0);
        }
        return new WalletState(drainWindows, list, topup, balances, recentEvents, unexplainedSweeps);
    }

    public WalletState withWindow(String asset, DrainWindow window) {
        Map<String, DrainWindow> windows = new HashMap<>(drainWindows);
        windows.put(asset, window);
        return new WalletState(windows, counterparties, topup, balances, recentEvents, unexplainedSweeps);
    }

    public WalletState withTopup(@Nullable Topup next) {
        return new WalletState(drainWindows, counterparties, next, balances, recentEvents, unexplainedSweeps);
    }

    public WalletState withBalance(String asset, BigInteger balance) {
        Map<String, BigInteger> next = new LinkedHashMap<>(balances);
        next.put(asset, balance);
        return new WalletState(drainWindows, counterparties, topup, next, recentEvents, unexplainedSweeps);
    }

    /** The estimated USD value of the wallet's known balances. */
    public double valueUsd(long chainId, ReferenceData reference) {
        double total = 0;
        for (Map.Entry<String, BigInteger> e : balances.entrySet()) {
            total += reference
                    .price(chainId, e.getKey())
                    .map(p -> p.value(e.getValue()))
                    .orElse(0.0);
        }
        return total;
    }

    /**
     * The state remembering {@code out}, a token outflow no top-up explained, for a top-up from an earlier
     * block that may still arrive: only those within {@code window} of block time of the newest are kept.
     */
    public WalletState withUnexplainedSweep(Transfer out, long window) {
        List<Transfer> next = new ArrayList<>(unexplainedSweeps);
        next.add(out);
        long newest = next.stream().mapToLong(Transfer::blockTime).max().orElse(out.blockTime());
        next.removeIf(t -> newest - t.blockTime() > window);
        while (next.size() > UNEXPLAINED_SWEEPS) {
            next.remove(0);
        }
        return new WalletState(drainWindows, counterparties, topup, balances, recentEvents, next);
    }

    /** The state without the unexplained token outflows that {@code explained} lists. */
    public WalletState withoutUnexplainedSweeps(List<Transfer> explained) {
        List<Transfer> next = new ArrayList<>(unexplainedSweeps);
        next.removeAll(explained);
        return new WalletState(drainWindows, counterparties, topup, balances, recentEvents, next);
    }

    /** The state without the unexplained token outflow {@code eventId}, which a reorganisation removed. */
    public WalletState withoutUnexplainedSweep(String eventId) {
        List<Transfer> next = new ArrayList<>(unexplainedSweeps);
        next.removeIf(t -> t.eventId().equals(eventId));
        return new WalletState(drainWindows, counterparties, topup, balances, recentEvents, next);
    }
}
