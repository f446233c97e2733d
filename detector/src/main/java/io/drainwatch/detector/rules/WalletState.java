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
 */
public record WalletState(
        Map<String, DrainWindow> drainWindows,
        List<String> counterparties,
        @Nullable Topup topup,
        Map<String, BigInteger> balances,
        List<String> recentEvents) {

    private static final int RECENT_EVENTS = 64;

    public static WalletState empty() {
        return new WalletState(Map.of(), List.of(), null, Map.of(), List.of());
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
        return new WalletState(drainWindows, counterparties, topup, balances, events);
    }

    /** The state with {@code eventId} no longer counted, after a reorganisation removed its event. */
    public WalletState withoutEvent(String eventId) {
        List<String> events = new ArrayList<>(recentEvents);
        events.remove(eventId);
        return new WalletState(drainWindows, counterparties, topup, balances, events);
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
        return new WalletState(drainWindows, list, topup, balances, recentEvents);
    }

    public WalletState withWindow(String asset, DrainWindow window) {
        Map<String, DrainWindow> windows = new HashMap<>(drainWindows);
        windows.put(asset, window);
        return new WalletState(windows, counterparties, topup, balances, recentEvents);
    }

    public WalletState withTopup(@Nullable Topup next) {
        return new WalletState(drainWindows, counterparties, next, balances, recentEvents);
    }

    public WalletState withBalance(String asset, BigInteger balance) {
        Map<String, BigInteger> next = new LinkedHashMap<>(balances);
        next.put(asset, balance);
        return new WalletState(drainWindows, counterparties, topup, next, recentEvents);
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
}
